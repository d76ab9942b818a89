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

    /// <summary>Stamps and stores input transitions as one durable batch (see the <see cref="NewEvent"/> overload).</summary>
    public Task<IReadOnlyList<OutboxEntry>> RecordAsync(
        IReadOnlyList<(InputChannel Channel, InputState State)> transitions,
        CancellationToken cancellationToken) =>
        RecordAsync([.. transitions.Select(t => NewEvent.Of(t.Channel, t.State))], cancellationToken);

    /// <summary>
    /// Stamps and stores the events as one durable batch. A failed write is retried until it succeeds
    /// or the gateway stops: an alarm is never dropped because the disk hiccupped.
    /// </summary>
    public async Task<IReadOnlyList<OutboxEntry>> RecordAsync(IReadOnlyList<NewEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var now = time.GetUtcNow();
        var synced = clock.IsSynchronized;
        var drafts = events.Select(e => new EventDraft(
            Guid.CreateVersion7(now).ToString(),
            e.Source,
            e.Kind,
            e.State,
            now,
            synced,
            e.Location)
        {
            Detail = e.Detail,
            Telemetry = e.Telemetry,
        }).ToList();

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
