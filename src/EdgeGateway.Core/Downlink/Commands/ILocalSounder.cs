namespace EdgeGateway.Core.Downlink.Commands;

/// <summary>The local sounder (buzzer) the guard hears; the <c>silence</c> command turns it off.</summary>
public interface ILocalSounder
{
    /// <summary>Turns the sounder off until the next escalation. Returns true if it was sounding.</summary>
    bool Silence();
}
