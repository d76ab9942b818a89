using System.Text.Json;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Sensors;
using EdgeGateway.Core.Tests.Rigs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Tests.Sensors;

/// <summary>The sensor loop through the recorder and an outbox, on a fake clock, with a scripted reader.</summary>
public sealed class SensorMonitorTests
{
    private readonly RecorderRig _rig = new();
    private readonly ScriptedReader _reader = new();

    [Fact]
    public async Task ColdRoomAboveHighForMinDuration_StoresTelemetryThenTheAlarm()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var sut = Monitor(new SensorOptions
        {
            Id = "cold-room", Type = SensorOptions.Ds18b20, ReadIntervalSeconds = 10, HighC = 8, MinDurationSeconds = 60, Location = "Canteen cold room",
        });
        _reader.Next = () => new SensorReadings(8.6);
        await sut.StartAsync(timeout.Token);

        await RunUntilAsync(() => _rig.Store.Depth.Alarm == 1, timeout.Token);
        await sut.StopAsync(timeout.Token);

        var entries = _rig.Entries;
        Assert.Equal(("telemetry", Lane.Telemetry), (entries[0].TopicLeaf, entries[0].Lane));
        var alarm = Assert.Single(entries, e => e.Lane == Lane.Alarm);
        Assert.Equal("cold-room temperature active", RecorderRig.Summary(alarm.Payload));
        Assert.InRange(_reader.Reads, 7, 8); // the first read at start, then one per 10 s until 60 s beyond the limit
    }

    [Fact]
    public async Task SensorStopsAnswering_StoresOneFault_AndItsRestoreWhenItAnswers()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var sut = Monitor(new SensorOptions { Id = "cold-room", Type = SensorOptions.Ds18b20, ReadIntervalSeconds = 10, FaultAfterMissedReads = 3 });
        _reader.Next = () => throw new SensorReadException("no w1_slave for 28-0316a2794aff");
        await sut.StartAsync(timeout.Token);

        await RunUntilAsync(() => _rig.Store.Depth.Alarm == 1, timeout.Token);
        _reader.Next = () => new SensorReadings(4.0);
        await RunUntilAsync(() => _rig.Store.Depth.Alarm == 2, timeout.Token);
        await sut.StopAsync(timeout.Token);

        var alarms = _rig.Entries.Where(e => e.Lane == Lane.Alarm).ToList();
        Assert.Equal(["cold-room fault active", "cold-room fault restored"], alarms.Select(e => RecorderRig.Summary(e.Payload)));
        using var json = JsonDocument.Parse(alarms[0].Payload);
        Assert.Equal("no w1_slave for 28-0316a2794aff", json.RootElement.GetProperty("detail").GetProperty("error").GetString());
    }

    [Fact]
    public async Task UnexpectedExceptionFromAReader_IsAFailedRead_NotAStoppedLoop()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var sut = Monitor(new SensorOptions { Id = "cold-room", Type = SensorOptions.Sht3x, ReadIntervalSeconds = 10, FaultAfterMissedReads = 1 });
        _reader.Next = () => throw new ArgumentOutOfRangeException("crc");
        await sut.StartAsync(timeout.Token);

        await RunUntilAsync(() => _rig.Store.Depth.Alarm == 1, timeout.Token);
        _reader.Next = () => new SensorReadings(4.0, 55);
        await RunUntilAsync(() => _rig.Store.Depth.Telemetry == 1, timeout.Token);
        await sut.StopAsync(timeout.Token);

        Assert.True(sut.Channels.Single().Latest is { TemperatureC: 4.0, HumidityPct: 55 });
    }

    private SensorMonitor Monitor(SensorOptions sensor) => new(
        new Factory(_reader), _rig.Recorder, Options.Create(new SensorsOptions { Sensors = [sensor] }), _rig.Time, NullLogger<SensorMonitor>.Instance);

    /// <summary>Advances the fake clock a read interval's tenth at a time, letting the sensor loop run between steps.</summary>
    private async Task RunUntilAsync(Func<bool> done, CancellationToken cancellationToken)
    {
        while (!done())
        {
            _rig.Time.Advance(TimeSpan.FromSeconds(1));

            // A real-time pause so the loop on the thread pool can take its turn; the gateway's clock stays fake.
            await Task.Delay(TimeSpan.FromMilliseconds(1), TimeProvider.System, cancellationToken);
        }
    }

    private sealed class ScriptedReader : ISensorReader
    {
        private int _reads;

        public Func<SensorReadings> Next { get; set; } = () => new SensorReadings(0);

        public int Reads => Volatile.Read(ref _reads);

        public SensorReadings Read()
        {
            Interlocked.Increment(ref _reads);
            return Next();
        }

        public void Dispose()
        {
        }
    }

    private sealed class Factory(ISensorReader reader) : ISensorReaderFactory
    {
        public ISensorReader Create(SensorOptions sensor) => reader;
    }
}
