using System.Buffers;
using System.Text.Json;
using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Downlink.Commands;

/// <summary>Error codes of a command result (docs/mqtt-contract.md, <c>cmd/result</c>).</summary>
public static class CommandErrors
{
    public const string Malformed = "malformed";
    public const string TooLarge = "too-large";
    public const string UnknownCommand = "unknown-command";
    public const string Stale = "stale";
    public const string InvalidArgument = "invalid-argument";
    public const string UnknownInput = "unknown-input";
    public const string NotConnected = "not-connected";

    /// <summary>The command's response topic is not this gateway's own <c>…/cmd/result</c> or below it: not carried out.</summary>
    public const string ForeignResponseTopic = "foreign-response-topic";

    /// <summary>The command was valid but carrying it out failed on the gateway (a sounder or reporter fault).</summary>
    public const string Failed = "failed";
}

/// <summary>
/// The answer to one command, serialised once when it is made: a repeated command id gets these exact bytes again.
/// </summary>
public sealed class CommandResult
{
    public const int SchemaVersion = 1;

    private CommandResult(string? id, string? command, DateTimeOffset at, IReadOnlyList<KeyValuePair<string, object>>? detail, string? errorCode, string? errorMessage)
        : this(id, command, errorCode, Serialize(id, command, at, detail, errorCode, errorMessage))
    {
    }

    private CommandResult(string? id, string? command, string? errorCode, byte[] payload)
    {
        Id = id;
        Command = command;
        ErrorCode = errorCode;
        Payload = payload;
    }

    /// <summary>The command's id; null when it could not be read.</summary>
    public string? Id { get; }

    /// <summary>The command's name as sent; null when it could not be read.</summary>
    public string? Command { get; }

    public bool Ok => ErrorCode is null;

    /// <summary>One of <see cref="CommandErrors"/>, or null when the command was carried out.</summary>
    public string? ErrorCode { get; }

    /// <summary>The JSON message for <c>…/cmd/result</c>.</summary>
    public byte[] Payload { get; }

    /// <summary>A command carried out; <paramref name="detail"/> values are strings, numbers or booleans.</summary>
    public static CommandResult Done(string id, string command, DateTimeOffset at, IReadOnlyList<KeyValuePair<string, object>> detail) =>
        new(id, command, at, detail, null, null);

    public static CommandResult Failed(string? id, string? command, DateTimeOffset at, string code, string message) =>
        new(id, command, at, null, code, message);

    /// <summary>A result made before (kept across a restart): its exact bytes again.</summary>
    public static CommandResult Replay(string id, string? command, string? errorCode, byte[] payload) => new(id, command, errorCode, payload);

    private static byte[] Serialize(string? id, string? command, DateTimeOffset at, IReadOnlyList<KeyValuePair<string, object>>? detail, string? errorCode, string? errorMessage)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("v", SchemaVersion);
            json.WriteString("id", id);
            json.WriteString("command", command);
            json.WriteBoolean("ok", errorCode is null);
            json.WriteString("ts", EventPayload.FormatTimestamp(at));
            if (detail is { Count: > 0 })
            {
                json.WriteStartObject("detail");
                foreach (var (name, value) in detail)
                {
                    WriteValue(json, name, value);
                }

                json.WriteEndObject();
            }

            if (errorCode is not null)
            {
                json.WriteStartObject("error");
                json.WriteString("code", errorCode);
                json.WriteString("message", errorMessage);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteValue(Utf8JsonWriter json, string name, object value)
    {
        switch (value)
        {
            case bool flag:
                json.WriteBoolean(name, flag);
                break;
            case int number:
                json.WriteNumber(name, number);
                break;
            case long number:
                json.WriteNumber(name, number);
                break;
            default:
                json.WriteString(name, value.ToString());
                break;
        }
    }
}
