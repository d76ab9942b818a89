using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using EdgeGateway.Center.Board;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace EdgeGateway.Center.Metrics;

/// <summary>
/// The console's instruments (meter <see cref="MeterName"/>; names in docs/metrics.md), served as Prometheus text on
/// <c>http://ADDRESS:PORT/metrics</c> by <c>edge-center --metrics ADDRESS:PORT</c>. Alarms and gateways by state are
/// read from the board at each scrape; arrivals and acks are recorded as they happen.
/// </summary>
public sealed class CenterMetrics : IDisposable
{
    public const string MeterName = "EdgeGateway.Center";

    /// <summary>Arrivals remembered for the ack latency; an alarm never acked is forgotten once this many wait.</summary>
    private const int MaxAwaited = 100_000;

    private static readonly double[] s_latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];

    private readonly Meter _meter = new(MeterName);
    private readonly CenterConsole _center;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, long> _arrivedAt = new(StringComparer.Ordinal);
    private readonly Counter<long> _received;
    private readonly Histogram<double> _delivery;
    private readonly Histogram<double> _ackDuration;
    private long _acknowledged;
    private MeterProvider? _provider;

    public CenterMetrics(CenterConsole center, TimeProvider time)
    {
        _center = center;
        _time = time;
        _received = _meter.CreateCounter<long>("edgecenter.alarms.received", "{alarm}", "New alarm-lane messages received (duplicates not counted), by kind and state");
        _delivery = _meter.CreateHistogram("edgecenter.alarm.delivery.duration", "s", "From an alarm's gateway timestamp to its arrival here (across two clocks: see the alarm's synced flag)", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_latencyBuckets });
        _ackDuration = _meter.CreateHistogram("edgecenter.ack.duration", "s", "From an alarm's arrival here to this console's ack (auto-ack or an operator)", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_latencyBuckets });
        _meter.CreateObservableGauge("edgecenter.alarms", AlarmsByState, "{alarm}", "Alarms by state: awaiting_ack now, acknowledged by this console since start");
        _meter.CreateObservableGauge("edgecenter.gateways", GatewaysByState, "{gateway}", "Gateways on the board by state: online, offline, silent (not heard for the reporting time), unknown (no status yet)");
        center.Received += OnReceived;
        center.Acknowledged += OnAcknowledged;
    }

    /// <summary>The address of the endpoint once <see cref="Start"/> has bound it.</summary>
    public string? Url { get; private set; }

    /// <summary>Parses <c>ADDRESS:PORT</c> (IPv6 in brackets); null, with the reason added to <paramref name="problems"/>, when it is not one.</summary>
    public static IPEndPoint? ParseEndpoint(string value, ICollection<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (IPEndPoint.TryParse(value, out var endpoint) && endpoint.Port > 0 && value.Contains(':', StringComparison.Ordinal))
        {
            return endpoint;
        }

        problems.Add($"--metrics: '{value}' is not ADDRESS:PORT (an IP address and a port 1-65535, e.g. 127.0.0.1:9465)");
        return null;
    }

    /// <summary>Serves the instruments on <paramref name="endpoint"/>; false (and why) when the port cannot be bound.</summary>
    public bool Start(IPEndPoint endpoint, out string problem)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var host = endpoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{endpoint.Address}]" : endpoint.Address.ToString();
        var url = $"http://{host}:{endpoint.Port}/metrics";
        try
        {
            _provider = Sdk.CreateMeterProviderBuilder()
                .AddMeter(MeterName)
                // Only this console's meter: the demo and the tests run several consoles in one process.
                .AddView(instrument => instrument.Meter == _meter ? null : MetricStreamConfiguration.Drop)
                .AddPrometheusHttpListener(o =>
                {
                    o.Host = host;
                    o.Port = endpoint.Port;
                    o.TargetInfoEnabled = false;
                })
                .Build();
        }
        catch (Exception ex) when (ex is InvalidOperationException or HttpListenerException)
        {
            problem = $"metrics: cannot listen on {url}: {(ex.InnerException ?? ex).Message}; running without metrics";
            return false;
        }

        problem = "";
        Url = url;
        return true;
    }

    public void Dispose()
    {
        _center.Received -= OnReceived;
        _center.Acknowledged -= OnAcknowledged;
        _provider?.Dispose();
        _meter.Dispose();
    }

    private IEnumerable<Measurement<long>> AlarmsByState()
    {
        var awaiting = _center.Board().Sum(entry => (long)entry.AwaitingAck.Count);
        yield return new Measurement<long>(awaiting, new KeyValuePair<string, object?>("state", "awaiting_ack"));
        yield return new Measurement<long>(Interlocked.Read(ref _acknowledged), new KeyValuePair<string, object?>("state", "acknowledged"));
    }

    private IEnumerable<Measurement<long>> GatewaysByState()
    {
        var board = _center.Board();
        foreach (var state in s_gatewayStates)
        {
            yield return new Measurement<long>(board.Count(entry => GatewayState(entry) == state), new KeyValuePair<string, object?>("state", state));
        }
    }

    private static readonly string[] s_gatewayStates = ["online", "offline", "silent", "unknown"];

    // Silence (supervision by the reporting time) outranks the retained status: a silent school is what IT must see.
    private static string GatewayState(GatewayBoardEntry entry) => entry.Reachability switch
    {
        GatewayReachability.Silent => "silent",
        _ when entry.Online is null => "unknown",
        GatewayReachability.Offline => "offline",
        _ => "online",
    };

    private void OnReceived(CenterMessage message, TimeSpan age)
    {
        if (!message.IsAlarm)
        {
            return;
        }

        _received.Add(1, new KeyValuePair<string, object?>("kind", message.Kind), new KeyValuePair<string, object?>("state", message.State));
        _delivery.Record(Math.Max(0, age.TotalSeconds));
        if (_arrivedAt.Count < MaxAwaited)
        {
            _arrivedAt.TryAdd(message.Id, _time.GetTimestamp());
        }
    }

    private void OnAcknowledged(CenterMessage message, string by)
    {
        // A repeated ack (the gateway lost ours) was timed at its first.
        if (_arrivedAt.TryRemove(message.Id, out var arrivedAt))
        {
            Interlocked.Increment(ref _acknowledged);
            _ackDuration.Record(_time.GetElapsedTime(arrivedAt).TotalSeconds);
        }
    }
}
