using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Tests.Support;

internal sealed class FixedClockSync(bool synchronized) : IClockSync
{
    public bool IsSynchronized => synchronized;
}
