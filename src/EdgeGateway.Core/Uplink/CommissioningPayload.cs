using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Uplink;

/// <summary>One row of the commissioning table: a selftest check, its result (<c>pass</c>, <c>FAIL</c>, <c>skip</c>) and what the installer reads.</summary>
public sealed record CommissioningCheck(string Name, string Result, string Detail);

/// <summary>
/// The retained <c>commissioning</c> message: the selftest table a gateway sends the center once it is installed
/// (first boot), so the county sees each school come up without anyone logging in.
/// </summary>
public static class CommissioningPayload
{
    public static byte[] Serialize(GatewayIdentity identity, DateTimeOffset now, bool clockSynced, int exitCode, IEnumerable<CommissioningCheck> checks) => StatusPayload.Write(json =>
    {
        json.WriteNumber("v", 1);
        json.WriteString("site", identity.SiteId);
        json.WriteString("gateway", identity.GatewayId);
        json.WriteString("version", GatewayIdentity.Version);
        json.WriteString("ts", EventPayload.FormatTimestamp(now));
        json.WriteBoolean("synced", clockSynced);
        json.WriteBoolean("passed", exitCode == 0);
        json.WriteNumber("exitCode", exitCode);
        json.WriteStartArray("checks");
        foreach (var check in checks)
        {
            json.WriteStartObject();
            json.WriteString("name", check.Name);
            json.WriteString("result", check.Result);
            json.WriteString("detail", check.Detail);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    });
}
