using System.Globalization;
using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Sensors;

/// <summary>
/// What to report about one sensor: telemetry through a deadband and a maximum interval, temperature limits with
/// hysteresis and minimum duration, and a fault when it stops answering. Pure logic on a monotonic clock:
/// the caller feeds each read's outcome and records the events returned.
/// </summary>
public sealed class SensorChannel
{
    private readonly TimeSpan _telemetryInterval;
    private readonly List<ThresholdWatch> _thresholds = [];
    private SensorReadings? _lastPublished;
    private TimeSpan _lastPublishedAt;
    private int _missedReads;

    public SensorChannel(SensorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _telemetryInterval = TimeSpan.FromSeconds(options.TelemetryIntervalSeconds);
        var minDuration = TimeSpan.FromSeconds(options.MinDurationSeconds);
        if (options.HighC is { } high)
        {
            _thresholds.Add(new ThresholdWatch(high, above: true, options.HysteresisC, minDuration));
        }

        if (options.LowC is { } low)
        {
            _thresholds.Add(new ThresholdWatch(low, above: false, options.HysteresisC, minDuration));
        }
    }

    public SensorOptions Options { get; }

    /// <summary>The last good reading, or null before the first.</summary>
    public SensorReadings? Latest { get; private set; }

    /// <summary>True while the sensor is reported faulty.</summary>
    public bool IsFaulted { get; private set; }

    /// <summary>True while a temperature limit alarm is raised.</summary>
    public bool IsAlarmed => _thresholds.Any(t => t.IsActive);

    /// <summary>A good read at <paramref name="now"/>: fault restore, limit alarms and telemetry, in that order.</summary>
    public IReadOnlyList<NewEvent> OnReading(SensorReadings readings, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(readings);
        var events = new List<NewEvent>();
        Latest = readings;
        _missedReads = 0;
        if (IsFaulted)
        {
            IsFaulted = false;
            events.Add(Event(EventKind.Fault, EventState.Restored, new Dictionary<string, string> { ["fault"] = "sensor" }));
        }

        if (readings.TemperatureC is { } temperature)
        {
            foreach (var threshold in _thresholds)
            {
                if (threshold.Update(temperature, now) is { } state)
                {
                    events.Add(Event(EventKind.Temperature, state, Describe(threshold, state, temperature)));
                }
            }
        }

        if (ShouldPublish(readings, now))
        {
            _lastPublished = readings;
            _lastPublishedAt = now;
            events.Add(Event(EventKind.Telemetry, EventState.Active, null) with { Telemetry = new TelemetrySample(Options.Type, readings) });
        }

        return events;
    }

    /// <summary>A failed read; the <see cref="SensorOptions.FaultAfterMissedReads"/>-th in a row reports a fault.</summary>
    public IReadOnlyList<NewEvent> OnFailure(string reason)
    {
        _missedReads++;
        if (IsFaulted || _missedReads < Options.FaultAfterMissedReads)
        {
            return [];
        }

        IsFaulted = true;
        return [Event(EventKind.Fault, EventState.Active, new Dictionary<string, string>
        {
            ["fault"] = "sensor",
            ["failedReads"] = _missedReads.ToString(CultureInfo.InvariantCulture),
            ["error"] = reason,
        })];
    }

    private bool ShouldPublish(SensorReadings readings, TimeSpan now)
    {
        if (_lastPublished is not { } last || now - _lastPublishedAt >= _telemetryInterval)
        {
            return true;
        }

        return Exceeds(readings.TemperatureC, last.TemperatureC, Options.DeadbandC)
            || Exceeds(readings.HumidityPct, last.HumidityPct, Options.DeadbandPct);
    }

    private static bool Exceeds(double? value, double? published, double deadband) =>
        value is { } v && published is { } p && Math.Abs(v - p) > deadband;

    private static Dictionary<string, string> Describe(ThresholdWatch threshold, EventState state, double temperature)
    {
        var detail = new Dictionary<string, string>
        {
            ["limit"] = threshold.IsAbove ? "high" : "low",
            ["limitC"] = threshold.Limit.ToString("0.0#", CultureInfo.InvariantCulture),
            ["temperatureC"] = temperature.ToString("0.0#", CultureInfo.InvariantCulture),
        };
        if (state == EventState.Active)
        {
            detail["minDurationSeconds"] = threshold.MinDuration.TotalSeconds.ToString("0", CultureInfo.InvariantCulture);
        }

        return detail;
    }

    private NewEvent Event(EventKind kind, EventState state, IReadOnlyDictionary<string, string>? detail) =>
        new(Options.Id, kind, state, Options.Location, detail);
}
