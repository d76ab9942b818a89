namespace EdgeGateway.Center.Transport;

/// <summary>A received message, its payload copied out of MQTTnet's buffer.</summary>
internal sealed record InboundMessage(string Topic, byte[] Payload, bool Retain);
