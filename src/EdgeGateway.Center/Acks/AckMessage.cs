using System.Text.Json;

namespace EdgeGateway.Center.Acks;

/// <summary>The payload of the center's acknowledgement on a gateway's <c>…/ack</c> topic (docs/mqtt-contract.md).</summary>
internal static class AckMessage
{
    public static byte[] Serialize(string alarmId, string by, DateTimeOffset at) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["id"] = alarmId,
            ["by"] = by,
            ["ts"] = WireTimestamp.Format(at),
        });
}
