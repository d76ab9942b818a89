using EdgeGateway.Inputs;
using EdgeGateway.Outbox;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Events;

/// <summary>Turns input transitions into events and gets them accepted by the outbox (on disk) before returning.</summary>
public sealed class EventRecorder(
    IOutboxStore store,
    OutboxSignal signal,
    GatewayIdentity identity,
    IClockSync clock,
    TimeProvider time,
    ILogger<EventRecorder> logger)
{
    /// <summary>How long to wait before retrying a write the store refused.</summary>
    public static readonly TimeSpan WriteRetryDelay = TimeSpan.FromSeconds(1);

    public GatewayIdentity Identity => identity;

    /// <summary>
    /// Walk-test mode: every event is marked <c>"test": true</c>. Set only by <c>edge-gateway walk-test</c>, never from
    /// configuration, so a running service cannot be left in it by a config file.
    /// </summary>
    public bool TestMode { get; set; }

    /// <summary>
    /// Stamps and stores the transitions as one durable batch. A failed write is retried until it succeeds
    /// or the gateway stops: an alarm is never dropped because the disk hiccupped.
    /// </summary>
    public async Task<IReadOnlyList<OutboxEntry>> RecordAsync(
        IReadOnlyList<(InputChannel Channel, InputState State)> transitions,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var synced = clock.IsSynchronized;
        var drafts = transitions.Select(t => new EventDraft(
            Guid.CreateVersion7(now).ToString(),
            t.Channel.Options.Id,
            t.Channel.Options.Kind,
            t.State,
            now,
            synced,
            t.Channel.Options.Location,
            TestMode)).ToList();

        while (true)
        {
            try
            {
                var entries = store.Append(drafts);
                signal.Notify();
                for (var i = 0; i < entries.Count; i++)
                {
                    Log.EventAccepted(logger, entries[i].Seq, drafts[i].Input, drafts[i].Kind, drafts[i].State, entries[i].EventId);
                }

                return entries;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                Log.AppendFailed(logger, drafts.Count, ex);
                // Stopping does not abandon the batch: an alarm seen at shutdown is still written.
                await Task.Delay(WriteRetryDelay, time, CancellationToken.None);
                if (cancellationToken.IsCancellationRequested && drafts.All(d => d.Lane != Lane.Alarm))
                {
                    throw new OperationCanceledException(cancellationToken);
                }
            }
        }
    }
}
