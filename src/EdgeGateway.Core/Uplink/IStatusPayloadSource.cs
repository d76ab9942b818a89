using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Outbox;

namespace EdgeGateway.Core.Uplink;

/// <summary>
/// What the retained online status tells the center besides who the gateway is: its inputs and what the outbox had to
/// drop unsent. Read at every announcement, so the uplink needs neither the inputs' options nor the outbox.
/// </summary>
public interface IStatusPayloadSource
{
    IReadOnlyList<InputOptions> Inputs { get; }

    OutboxDrops Dropped { get; }
}
