using System.Text.Json;

namespace EdgeGateway.Core.Downlink;

/// <summary>
/// Reads the center's ack message <c>{"id": "...", "by": "...", "ts": "..."}</c> with a forward-only reader, so a
/// hostile ack costs no allocation beyond the caps: a payload over <see cref="MaxPayloadBytes"/> is not read, an
/// <c>id</c> or <c>by</c> over its cap is refused before it becomes a string. A malformed one is reported and yields null.
/// </summary>
public static class AckMessage
{
    /// <summary>An event id is a 36-character UUID; longer ids are refused unread.</summary>
    public const int MaxIdLength = 64;

    /// <summary>The operator's name.</summary>
    public const int MaxByLength = 128;

    /// <summary>An ack is well under this; a larger payload is refused before it is parsed (or copied).</summary>
    public const int MaxPayloadBytes = 1024;

    // An ack is a flat object.
    private static readonly JsonReaderOptions s_options = new() { MaxDepth = 2 };

    /// <summary>What the log says of an ack over <see cref="MaxPayloadBytes"/>.</summary>
    public static string Oversized(long length) => $"{length} bytes (an ack has at most {MaxPayloadBytes})";

    public static (string Id, string By)? Read(ReadOnlySpan<byte> payload, DownlinkProblems problems)
    {
        if (payload.Length > MaxPayloadBytes)
        {
            problems.Report(DownlinkProblem.MalformedAck, Oversized(payload.Length));
            return null;
        }

        string? id = null;
        var by = "";
        try
        {
            var reader = new Utf8JsonReader(payload, s_options);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                problems.Report(DownlinkProblem.MalformedAck, "not a JSON object");
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isId = reader.ValueTextEquals("id"u8);
                var isBy = !isId && reader.ValueTextEquals("by"u8);
                reader.Read();
                if ((isId || isBy) && reader.TokenType == JsonTokenType.String)
                {
                    // The raw (escaped) length bounds the string: checked before anything is allocated for it.
                    var cap = isId ? MaxIdLength : MaxByLength;
                    if (reader.ValueSpan.Length > cap)
                    {
                        problems.Report(DownlinkProblem.MalformedAck, $"'{(isId ? "id" : "by")}' longer than {cap} bytes");
                        return null;
                    }

                    if (isId)
                    {
                        id = reader.GetString();
                    }
                    else
                    {
                        by = reader.GetString() ?? "";
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // GetString throws InvalidOperationException on invalid UTF-8 inside "id" or "by".
            problems.Report(DownlinkProblem.MalformedAck, ex.Message);
            return null;
        }

        if (string.IsNullOrEmpty(id))
        {
            problems.Report(DownlinkProblem.MalformedAck, "no string 'id'");
            return null;
        }

        return (id, by);
    }
}
