using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Core.Tests.Support;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Core.Tests.Rigs;

/// <summary><see cref="CenterAcknowledgements"/> on a fake clock, and alarms to feed it.</summary>
internal sealed class AckRig : IDisposable
{
    private long _seq;

    public AckRig(int ackTimeoutSeconds = 20)
    {
        Identity = TestIdentity.Create(Time);
        Problems = new DownlinkProblems(Time, ProblemLog);
        Acks = new CenterAcknowledgements(Time, Log, Options.Create(new AckOptions { TimeoutSeconds = ackTimeoutSeconds }), Problems);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 29, 5, 0, 0, TimeSpan.Zero));

    public RecordingLogger<CenterAcknowledgements> Log { get; } = new();

    public RecordingLogger<DownlinkProblems> ProblemLog { get; } = new();

    public DownlinkProblems Problems { get; }

    public GatewayIdentity Identity { get; }

    public CenterAcknowledgements Acks { get; }

    public OutboxEntry Entry(string id, EventKind kind = EventKind.Panic, EventState state = EventState.Active) => OutboxEntry.Create(
        new EventDraft(id, "office-panic", kind, state, Time.GetUtcNow(), true, "office"), ++_seq, Identity);

    /// <summary>An active panic alarm sent and PUBACKed now.</summary>
    public OutboxEntry Publish(string id)
    {
        var entry = Entry(id);
        Acks.Sending(entry);
        Acks.Published(entry);
        return entry;
    }

    /// <summary>Both ack timeouts, in two steps (a timer re-armed in its callback counts from the end of one Advance).</summary>
    public void Escalate(int ackTimeoutSeconds = 20)
    {
        Time.Advance(TimeSpan.FromSeconds(ackTimeoutSeconds));
        Time.Advance(TimeSpan.FromSeconds(ackTimeoutSeconds));
    }

    public void Dispose() => Acks.Dispose();
}
