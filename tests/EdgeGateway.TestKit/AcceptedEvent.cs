namespace EdgeGateway.TestKit;

/// <summary>One event the gateway logged as accepted (on disk): <c>Event seq=… {input} {kind} {state} accepted (id …)</c>.</summary>
public sealed record AcceptedEvent(long Seq, string Input, string Kind, string State, string Id)
{
    /// <summary>A press of a panic button (not its restore, not a gateway fault).</summary>
    public bool IsPanicPress => Kind == "Panic" && State == "Active";
}
