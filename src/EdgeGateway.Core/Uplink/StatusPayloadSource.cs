using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Outbox;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Uplink;

/// <summary>The status facts of a running gateway: the configured inputs and the outbox's drop counters.</summary>
public sealed class StatusPayloadSource(IOptions<InputsOptions> inputs, IOutboxStore store) : IStatusPayloadSource
{
    public IReadOnlyList<InputOptions> Inputs => inputs.Value.Inputs;

    public OutboxDrops Dropped => store.Dropped;
}
