using EdgeGateway.Core.Events;
using EdgeGateway.Core.Sensors;

namespace EdgeGateway.Core.Tests.Sensors;

public sealed class SensorChannelTests
{
    private static readonly TimeSpan s_read = TimeSpan.FromSeconds(10);
    private TimeSpan _now;

    [Fact]
    public void OnReading_First_PublishesTelemetry()
    {
        var sut = new SensorChannel(ColdRoom());

        var events = sut.OnReading(new SensorReadings(4.0), _now);

        var telemetry = Assert.Single(events);
        Assert.Equal((EventKind.Telemetry, "cold-room"), (telemetry.Kind, telemetry.Source));
        Assert.Equal(new TelemetrySample("ds18b20", new SensorReadings(4.0)), telemetry.Telemetry);
    }

    [Fact]
    public void OnReading_ChangeWithinDeadband_IsNotPublished()
    {
        var sut = new SensorChannel(ColdRoom());
        sut.OnReading(new SensorReadings(4.0), _now);

        Assert.Empty(Read(sut, 4.5));
        Assert.Empty(Read(sut, 3.6));
    }

    [Fact]
    public void OnReading_ChangeBeyondDeadbandSinceLastPublished_IsPublished()
    {
        var sut = new SensorChannel(ColdRoom());
        sut.OnReading(new SensorReadings(4.0), _now);
        Read(sut, 4.4);

        var events = Read(sut, 4.6);

        Assert.Equal(4.6, Assert.Single(events).Telemetry!.Readings.TemperatureC);
    }

    [Fact]
    public void OnReading_HumidityBeyondItsDeadband_IsPublished()
    {
        var sut = new SensorChannel(ColdRoom(o => o.Type = SensorOptions.Sht3x));
        sut.OnReading(new SensorReadings(4.0, 60), _now);

        Assert.Empty(Read(sut, 4.0, 61.5));
        Assert.Single(Read(sut, 4.0, 62.5));
    }

    [Fact]
    public void OnReading_SteadyValue_IsPublishedOncePerTelemetryInterval()
    {
        var sut = new SensorChannel(ColdRoom());
        sut.OnReading(new SensorReadings(4.0), _now);

        var published = Enumerable.Range(0, 60).Count(_ => Read(sut, 4.0).Count > 0); // 600 s of reads every 10 s

        Assert.Equal(2, published);
    }

    [Fact]
    public void OnReading_AboveHighForLessThanMinDuration_RaisesNothing()
    {
        var sut = new SensorChannel(ColdRoom());
        sut.OnReading(new SensorReadings(8.5), _now);

        for (var i = 0; i < 59; i++)
        {
            Assert.DoesNotContain(Read(sut, 8.5), e => e.Kind == EventKind.Temperature);
        }

        Assert.False(sut.IsAlarmed);
    }

    [Fact]
    public void OnReading_AboveHighForMinDuration_RaisesOneTemperatureAlarm()
    {
        var sut = new SensorChannel(ColdRoom());
        sut.OnReading(new SensorReadings(8.5), _now);

        var alarms = Enumerable.Range(0, 70).SelectMany(_ => Read(sut, 8.5)).Where(e => e.Kind == EventKind.Temperature).ToList();

        var alarm = Assert.Single(alarms);
        Assert.Equal((EventState.Active, "limit=high limitC=8.0 minDurationSeconds=600 temperatureC=8.5"), (alarm.State, Flat(alarm.Detail)));
        Assert.Equal(Lane.Alarm, LaneRules.LaneOf(alarm.Kind));
    }

    [Fact]
    public void OnReading_DipBelowHighDuringMinDuration_RestartsIt()
    {
        var sut = new SensorChannel(ColdRoom());
        sut.OnReading(new SensorReadings(8.5), _now);
        for (var i = 0; i < 50; i++)
        {
            Read(sut, 8.5);
        }

        Read(sut, 7.9);
        var alarmed = Enumerable.Range(0, 59).SelectMany(_ => Read(sut, 8.5)).Any(e => e.Kind == EventKind.Temperature);

        Assert.False(alarmed);
    }

    [Fact]
    public void OnReading_AlarmWithinHysteresis_StaysRaised_ThenRestoresBelowIt()
    {
        var sut = AlarmedColdRoom();

        Assert.DoesNotContain(Read(sut, 7.6), e => e.Kind == EventKind.Temperature);
        var restore = Assert.Single(Read(sut, 7.4), e => e.Kind == EventKind.Temperature);

        Assert.Equal((EventState.Restored, "limit=high limitC=8.0 temperatureC=7.4"), (restore.State, Flat(restore.Detail)));
        Assert.False(sut.IsAlarmed);
    }

    [Fact]
    public void OnReading_BelowLowForMinDuration_RaisesAlarm()
    {
        var sut = new SensorChannel(ColdRoom(o => (o.HighC, o.LowC, o.MinDurationSeconds) = (null, 0, 0)));

        var alarm = Assert.Single(sut.OnReading(new SensorReadings(-0.2), _now), e => e.Kind == EventKind.Temperature);

        Assert.Equal("limit=low limitC=0.0 minDurationSeconds=0 temperatureC=-0.2", Flat(alarm.Detail));
    }

    [Fact]
    public void OnFailure_FewerThanFaultAfterMissedReads_ReportsNothing()
    {
        var sut = new SensorChannel(ColdRoom());

        Assert.Empty(sut.OnFailure("timeout"));
        Assert.Empty(sut.OnFailure("timeout"));
        Assert.False(sut.IsFaulted);
    }

    [Fact]
    public void OnFailure_FaultAfterMissedReadsInARow_ReportsOneFault()
    {
        var sut = new SensorChannel(ColdRoom());

        var events = Enumerable.Range(0, 10).SelectMany(_ => sut.OnFailure("no such device")).ToList();

        var fault = Assert.Single(events);
        Assert.Equal((EventKind.Fault, EventState.Active, "error=no such device failedReads=3 fault=sensor"), (fault.Kind, fault.State, Flat(fault.Detail)));
    }

    [Fact]
    public void OnFailure_GoodReadBetween_StartsCountingAgain()
    {
        var sut = new SensorChannel(ColdRoom());
        sut.OnFailure("x");
        sut.OnFailure("x");
        sut.OnReading(new SensorReadings(4), _now);

        Assert.Empty(sut.OnFailure("x"));
    }

    [Fact]
    public void OnReading_AfterFault_ReportsFaultRestoredFirst()
    {
        var sut = new SensorChannel(ColdRoom());
        for (var i = 0; i < 3; i++)
        {
            sut.OnFailure("x");
        }

        var events = sut.OnReading(new SensorReadings(4), _now);

        Assert.Equal([(EventKind.Fault, EventState.Restored), (EventKind.Telemetry, EventState.Active)], events.Select(e => (e.Kind, e.State)));
        Assert.False(sut.IsFaulted);
    }

    private static SensorOptions ColdRoom(Action<SensorOptions>? change = null)
    {
        var options = new SensorOptions
        {
            Id = "cold-room",
            Type = SensorOptions.Ds18b20,
            ReadIntervalSeconds = 10,
            TelemetryIntervalSeconds = 300,
            DeadbandC = 0.5,
            DeadbandPct = 2,
            HighC = 8,
            HysteresisC = 0.5,
            MinDurationSeconds = 600,
            Location = "Canteen cold room",
        };
        change?.Invoke(options);
        return options;
    }

    private SensorChannel AlarmedColdRoom()
    {
        var sut = new SensorChannel(ColdRoom());
        sut.OnReading(new SensorReadings(9), _now);
        while (!sut.IsAlarmed)
        {
            Read(sut, 9);
        }

        return sut;
    }

    /// <summary>The detail object as sorted <c>key=value</c> pairs, for one-line assertions.</summary>
    private static string Flat(IReadOnlyDictionary<string, string>? detail) =>
        string.Join(' ', (detail ?? new Dictionary<string, string>()).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    private IReadOnlyList<NewEvent> Read(SensorChannel sut, double temperature, double? humidity = null)
    {
        _now += s_read;
        return sut.OnReading(new SensorReadings(temperature, humidity), _now);
    }
}
