namespace EdgeGateway.Core.Downlink.Commands;

/// <summary>A command as the broker delivered it on <c>…/cmd</c>.</summary>
/// <param name="Payload">The message body (cut after <see cref="CommandOptions.MaxPayloadBytes"/> + 1 bytes).</param>
/// <param name="Retained">The retain flag as delivered: set when the message came from the broker's retained store.</param>
/// <param name="ExpirySeconds">The MQTT 5 message expiry interval left when the broker delivered it; 0: none.</param>
/// <param name="ResponseTopic">The MQTT 5 response topic, if any.</param>
/// <param name="CorrelationData">The MQTT 5 correlation data, echoed on the result.</param>
public sealed record ReceivedCommand(
    ReadOnlyMemory<byte> Payload,
    bool Retained = false,
    uint ExpirySeconds = 0,
    string? ResponseTopic = null,
    byte[]? CorrelationData = null);

/// <summary>A result and the topic it goes to.</summary>
public sealed record CommandReply(CommandResult Result, string Topic);
