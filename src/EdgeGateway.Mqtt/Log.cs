using Microsoft.Extensions.Logging;

namespace EdgeGateway.Mqtt;

/// <summary>MQTT log messages, event ids 4000-4999.</summary>
internal static partial class Log
{
    [LoggerMessage(4001, LogLevel.Information, "Connected to {Host}:{Port} (session resumed: {Resumed})")]
    public static partial void Connected(ILogger logger, string host, int port, bool resumed);

    [LoggerMessage(4002, LogLevel.Warning, "Connecting to {Host}:{Port} failed (attempt {Attempt}); next try in {DelayMs} ms: {Reason}")]
    public static partial void ConnectFailed(ILogger logger, string host, int port, int attempt, long delayMs, string reason);

    [LoggerMessage(4003, LogLevel.Warning, "Connection lost ({Reason}) {Detail}")]
    public static partial void ConnectionLost(ILogger logger, string reason, string detail);

    [LoggerMessage(4018, LogLevel.Error, "The broker {Broker} ended this gateway's session because another connection took over its client id (a copy of this gateway's certificate, or another device configured as it); reported as a fault")]
    public static partial void SessionTakenOver(ILogger logger, string broker);

    [LoggerMessage(4004, LogLevel.Information, "Disconnected: {Reason}")]
    public static partial void Disconnected(ILogger logger, string reason);

    [LoggerMessage(4005, LogLevel.Warning, "Could not say offline at shutdown: {Reason}")]
    public static partial void ShutdownPublishFailed(ILogger logger, string reason);

    [LoggerMessage(4006, LogLevel.Warning, "Plaintext MQTT to {Host} is allowed by Mqtt:AllowInsecure; alarms cross the network unencrypted")]
    public static partial void InsecureTransport(ILogger logger, string host);

    [LoggerMessage(4007, LogLevel.Error, "Handling a message on {Topic} failed")]
    public static partial void HandlerFailed(ILogger logger, string topic, Exception exception);

    [LoggerMessage(4008, LogLevel.Debug, "Broker acknowledged {Count} events (seq {FirstSeq}..{LastSeq})")]
    public static partial void Forwarded(ILogger logger, int count, long firstSeq, long lastSeq);

    [LoggerMessage(4009, LogLevel.Error, "Broker refused seq {Seq}: {ReasonCode} {ReasonString}; it stays in the outbox")]
    public static partial void PublishRefused(ILogger logger, long seq, string reasonCode, string reasonString);

    [LoggerMessage(4011, LogLevel.Warning, "Dropping the MQTT session: {Reason}")]
    public static partial void Dropping(ILogger logger, string reason);

    [LoggerMessage(4012, LogLevel.Warning, "No center is subscribed to alarm seq {Seq} ({EventId}); it stays in the outbox and is sent again")]
    public static partial void AlarmWithoutSubscriber(ILogger logger, long seq, string eventId);

    [LoggerMessage(4021, LogLevel.Warning, "The broker {Host}:{Port} refused the subscription to {Topic}: {Reason}; the uplink goes on and the subscription is tried again every keepalive")]
    public static partial void SubscribeRefused(ILogger logger, string host, int port, string topic, string reason);

    [LoggerMessage(4025, LogLevel.Warning, "Subscribing again after a refusal failed: {Reason}; tried again at the next keepalive")]
    public static partial void SubscribeRetryFailed(ILogger logger, string reason);

    [LoggerMessage(4022, LogLevel.Information, "An alarm is waiting: connecting now instead of after the backoff")]
    public static partial void ExpeditedConnect(ILogger logger);

    [LoggerMessage(4023, LogLevel.Warning, "Switching from the {Previous} to the {Broker} broker {Host}:{Port}: no complete connect for Mqtt:FailoverAfterSeconds")]
    public static partial void SwitchingBroker(ILogger logger, string previous, string broker, string host, int port);

    [LoggerMessage(4024, LogLevel.Information, "The primary {Host}:{Port} is not back yet: {Reason}")]
    public static partial void PrimaryNotBack(ILogger logger, string host, int port, string reason);

    [LoggerMessage(4013, LogLevel.Error, "Seq {Seq} ({EventId}) set aside ({Reason}): the broker will not take it; the entries behind it go on")]
    public static partial void SetAside(ILogger logger, long seq, string eventId, string reason);

    [LoggerMessage(4014, LogLevel.Information, "{Count} set-aside entries restored to the outbox to be tried again")]
    public static partial void SetAsideRestored(ILogger logger, int count);

    [LoggerMessage(4015, LogLevel.Error, "Seq {Seq} is a {Size}-byte packet; the broker takes at most {Maximum} bytes")]
    public static partial void TooLarge(ILogger logger, long seq, long size, uint maximum);

    [LoggerMessage(4016, LogLevel.Warning, "Alarm seq {Seq} ({EventId}) delivered in reduced form; the full entry stays set aside")]
    public static partial void ReducedAlarmSent(ILogger logger, long seq, string eventId);

    [LoggerMessage(4017, LogLevel.Error, "The reduced form of alarm seq {Seq} ({EventId}) was not delivered: {Reason}")]
    public static partial void ReducedAlarmNotSent(ILogger logger, long seq, string eventId, string reason);

    [LoggerMessage(4201, LogLevel.Warning, "Alarm {EventId} published again (no center ack in time); the broker has it")]
    public static partial void Republished(ILogger logger, string eventId);

    [LoggerMessage(4202, LogLevel.Error, "Broker refused the republish of alarm {EventId}: {ReasonCode}; trying again")]
    public static partial void RepublishRefused(ILogger logger, string eventId, string reasonCode);

    [LoggerMessage(4203, LogLevel.Warning, "Republishing an alarm failed: {Reason}; trying again")]
    public static partial void RepublishFailed(ILogger logger, string reason);

    [LoggerMessage(4204, LogLevel.Error, "Alarm {EventId} cannot be republished: not even its reduced form fits the broker's Maximum Packet Size")]
    public static partial void RepublishTooLarge(ILogger logger, string eventId);

    [LoggerMessage(4301, LogLevel.Warning, "Publishing health failed: {Reason}")]
    public static partial void HealthPublishFailed(ILogger logger, string reason);

    [LoggerMessage(4302, LogLevel.Warning, "The broker refused the health message on {Topic}: {ReasonCode} {ReasonString} (check its ACL)")]
    public static partial void HealthRefused(ILogger logger, string topic, string reasonCode, string reasonString);

    [LoggerMessage(4402, LogLevel.Error, "A center command failed unexpectedly; the next one is handled as usual")]
    public static partial void CommandFailed(ILogger logger, Exception exception);

    [LoggerMessage(4403, LogLevel.Warning, "Result of command {CommandId} refused by the broker on {Topic}: {ReasonCode}")]
    public static partial void CommandResultRefused(ILogger logger, string commandId, string topic, string reasonCode);

    [LoggerMessage(4404, LogLevel.Warning, "Result of command {CommandId} not sent on {Topic}: {Reason}")]
    public static partial void CommandResultNotSent(ILogger logger, string commandId, string topic, string reason);
}
