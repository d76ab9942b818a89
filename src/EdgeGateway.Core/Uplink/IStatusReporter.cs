namespace EdgeGateway.Core.Uplink;

/// <summary>Publishes the retained status and the health message now (the <c>status</c> command).</summary>
public interface IStatusReporter
{
    /// <summary>Republishes status and health; completes when the broker has both, or throws when not connected.</summary>
    Task ReportNowAsync(CancellationToken cancellationToken);
}
