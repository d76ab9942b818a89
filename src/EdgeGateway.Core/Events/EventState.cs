namespace EdgeGateway.Core.Events;

/// <summary>The state an event reports: an input, fault or threshold became active, or returned to normal.</summary>
public enum EventState
{
    Active,
    Restored,
}
