namespace EdgeGateway.Center;

/// <summary>A message this console received or sent, for the JSON-lines log.</summary>
/// <param name="Type"><c>alarm</c>, <c>event</c>, <c>telemetry</c>, <c>status</c>, <c>health</c>, <c>cmd-result</c>, <c>ack-sent</c> or <c>cmd-sent</c>.</param>
/// <param name="Topic">The MQTT topic.</param>
/// <param name="Payload">The payload as received or sent.</param>
/// <param name="Retained">The broker delivered a retained message.</param>
/// <param name="At">When this console received or sent it.</param>
/// <param name="Duplicate">A received alarm/event/telemetry whose id was seen before.</param>
public sealed record CenterTraffic(string Type, string Topic, byte[] Payload, bool Retained, bool Duplicate, DateTimeOffset At);
