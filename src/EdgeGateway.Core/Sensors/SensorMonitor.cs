using EdgeGateway.Core.Events;
using EdgeGateway.Core.Health;
using EdgeGateway.Core.Outbox;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Sensors;

/// <summary>
/// Reads each configured sensor on its own interval and records what its <see cref="SensorChannel"/> reports through
/// the <see cref="EventRecorder"/>. One loop per sensor, so a slow 1-Wire conversion (750 ms) never delays an I2C sensor.
/// </summary>
public sealed class SensorMonitor : SupervisedLoop
{
    private readonly ISensorReaderFactory _factory;
    private readonly EventRecorder _recorder;
    private readonly TimeProvider _time;
    private readonly ILogger<SensorMonitor> _logger;
    private readonly List<SensorChannel> _channels;
    private readonly List<ISensorReader> _readers = [];
    private readonly long _startTimestamp;

    public SensorMonitor(
        ISensorReaderFactory factory,
        EventRecorder recorder,
        IOptions<SensorsOptions> options,
        TimeProvider time,
        ILogger<SensorMonitor> logger)
    {
        _factory = factory;
        _recorder = recorder;
        _time = time;
        _logger = logger;
        _channels = [.. options.Value.Sensors.Select(s => new SensorChannel(s))];
        _startTimestamp = time.GetTimestamp();
    }

    /// <summary>The sensors with their latest reading and state, for health reporting.</summary>
    public IReadOnlyList<SensorChannel> Channels => _channels;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var channel in _channels)
        {
            _readers.Add(_factory.Create(channel.Options));
            Log.SensorConfigured(_logger, channel.Options.Id, channel.Options.Type, channel.Options.ReadIntervalSeconds);
        }

        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        foreach (var reader in _readers)
        {
            reader.Dispose();
        }

        base.Dispose();
    }

    protected override Task RunLoopAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_channels.Select((channel, i) => RunAsync(channel, _readers[i], stoppingToken)));

    private async Task RunAsync(SensorChannel channel, ISensorReader reader, CancellationToken stoppingToken)
    {
        // Off the start path: the first read happens at once, without holding up the host's StartAsync.
        await Task.Yield();
        var interval = TimeSpan.FromSeconds(channel.Options.ReadIntervalSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            var events = ReadOnce(channel, reader);
            if (events.Count > 0)
            {
                _recorder.Record(events);
            }

            try
            {
                await Task.Delay(interval, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private IReadOnlyList<NewEvent> ReadOnce(SensorChannel channel, ISensorReader reader)
    {
        var now = _time.GetElapsedTime(_startTimestamp);
        try
        {
            return channel.OnReading(reader.Read(), now);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Whatever a binding throws is this sensor's fault, never a reason to stop the alarm gateway.
            Log.SensorReadFailed(_logger, channel.Options.Id, ex.Message);
            return channel.OnFailure(ex.Message);
        }
    }
}
