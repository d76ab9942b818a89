using EdgeGateway.Core.Outbox;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Health;

/// <summary>Reads the <see cref="IBoardProbe"/> periodically into <see cref="BoardHealth"/> and records its faults.</summary>
public sealed class BoardHealthMonitor(
    IBoardProbe probe,
    BoardHealth health,
    EventRecorder recorder,
    IOptions<BoardHealthOptions> options,
    TimeProvider time,
    ILogger<BoardHealthMonitor> logger) : SupervisedLoop
{
    protected override async Task RunLoopAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var interval = TimeSpan.FromSeconds(Math.Max(1, options.Value.ReadIntervalSeconds));
        var warnedSinceBoot = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            BoardReading reading;
            try
            {
                reading = probe.Read();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Health is advisory: a probe that breaks must never take the alarm gateway down with it.
                Log.BoardProbeFailed(logger, ex);
                reading = BoardReading.Unknown;
            }

            if (reading.UnderVoltageSinceBoot == true && !warnedSinceBoot)
            {
                warnedSinceBoot = true;
                Log.UnderVoltageSinceBoot(logger);
            }

            if (health.Update(reading) is { } fault)
            {
                recorder.Record([fault]);
            }

            try
            {
                await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
