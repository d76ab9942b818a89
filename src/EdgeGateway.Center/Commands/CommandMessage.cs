using System.Text.Json;

namespace EdgeGateway.Center.Commands;

/// <summary>The payload of a command on a gateway's <c>…/cmd</c> topic (docs/mqtt-contract.md).</summary>
internal static class CommandMessage
{
    public static byte[] Serialize(string id, string command, DateTimeOffset at, IReadOnlyDictionary<string, object> arguments)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteString("command", command);
            json.WriteString("ts", WireTimestamp.Format(at));
            foreach (var (name, value) in arguments)
            {
                json.WritePropertyName(name);
                JsonSerializer.Serialize(json, value);
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
