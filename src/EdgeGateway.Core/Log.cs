using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Core;

/// <summary>Core log messages, event ids 1000-1999.</summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Information, "Input {InputId} on GPIO {Pin} ({Kind}, {Contact}) open")]
    public static partial void InputOpened(ILogger logger, string inputId, int pin, EventKind kind, ContactType contact);

    [LoggerMessage(1002, LogLevel.Information, "Event seq={Seq} {InputId} {Kind} {State} accepted (id {EventId})")]
    public static partial void EventAccepted(ILogger logger, long seq, string inputId, EventKind kind, EventState state, string eventId);

    [LoggerMessage(1003, LogLevel.Critical, "Storage fault: the outbox refused {Count} events; they are kept in memory, sent from there, and written when the disk accepts them")]
    public static partial void StorageFault(ILogger logger, int count, Exception exception);

    [LoggerMessage(1007, LogLevel.Warning, "Storage fault over after {Seconds} s; events in memory are on disk again")]
    public static partial void StorageRecovered(ILogger logger, long seconds);

    [LoggerMessage(1008, LogLevel.Error, "Outbox {Operation} failed; the gateway keeps running from memory and retries")]
    public static partial void StoreCallFailed(ILogger logger, string operation, Exception exception);

    [LoggerMessage(1009, LogLevel.Warning, "Memory for events the disk refused is full ({Held} held): {Refused} telemetry or events refused and counted as dropped (alarms are always kept)")]
    public static partial void UnwrittenFull(ILogger logger, int refused, int held);

    [LoggerMessage(1010, LogLevel.Warning, "Seqs continue above {Seq} (the outbox's last seq), not {Last}: the store opened after seqs were given out without it")]
    public static partial void SeqsRaised(ILogger logger, long seq, long last);

    [LoggerMessage(1011, LogLevel.Error, "Seqs up to {Seq} could not be reserved on disk; they are given out anyway (a kill before the next reservation may give some out again)")]
    public static partial void SeqReservationFailed(ILogger logger, long seq, Exception exception);

    [LoggerMessage(1012, LogLevel.Error, "The seq reservation could not be read; seqs continue above the outbox's last seq")]
    public static partial void SeqReservationUnreadable(ILogger logger, Exception exception);

    [LoggerMessage(1004, LogLevel.Information, "Center acknowledged {EventId} (by {By}) {LatencyMs} ms after it was published")]
    public static partial void CenterAcknowledged(ILogger logger, string eventId, string by, long latencyMs);

    [LoggerMessage(1005, LogLevel.Warning, "Ignored from the broker: {Problem}, {What} ({NotLogged} more of this kind since its last line; logged at most once per {IntervalSeconds} s, all counted in health)")]
    public static partial void DownlinkProblem(ILogger logger, string problem, string what, long notLogged, long intervalSeconds);

    [LoggerMessage(1101, LogLevel.Warning, "{InputId} {What} shut down: {Count} activations within {WindowSeconds} s (swinger shutdown)")]
    public static partial void SwingerShutdown(ILogger logger, string inputId, string what, int count, int windowSeconds);

    [LoggerMessage(1102, LogLevel.Information, "{InputId} {What} quiet for {QuietSeconds} s; resumed")]
    public static partial void SwingerResumed(ILogger logger, string inputId, string what, int quietSeconds);

    [LoggerMessage(1201, LogLevel.Information, "Sensor {SensorId} ({Type}) read every {IntervalSeconds} s")]
    public static partial void SensorConfigured(ILogger logger, string sensorId, string type, int intervalSeconds);

    [LoggerMessage(1202, LogLevel.Warning, "Sensor {SensorId} read failed: {Reason}")]
    public static partial void SensorReadFailed(ILogger logger, string sensorId, string reason);

    [LoggerMessage(1301, LogLevel.Warning, "Board health probe failed")]
    public static partial void BoardProbeFailed(ILogger logger, Exception exception);

    [LoggerMessage(1302, LogLevel.Warning, "The board has been under-voltage since boot; check the power supply and its cable")]
    public static partial void UnderVoltageSinceBoot(ILogger logger);

    [LoggerMessage(1401, LogLevel.Warning, "Alarm {EventId}: no center ack {Seconds} s after the broker took it; publishing it again")]
    public static partial void NoAckRepublishing(ILogger logger, string eventId, long seconds);

    [LoggerMessage(1402, LogLevel.Critical, "Alarm {EventId}: still no center ack {Seconds} s after the broker took it; local escalation")]
    public static partial void NoAckEscalating(ILogger logger, string eventId, long seconds);

    [LoggerMessage(1403, LogLevel.Warning, "Alarm {EventId} acknowledged by the center; its local escalation ends")]
    public static partial void EscalationEnded(ILogger logger, string eventId);

    [LoggerMessage(1404, LogLevel.Warning, "{Max} alarms tracked for the center's ack; forgetting the oldest, {EventId} ({State})")]
    public static partial void AckTrackingFull(ILogger logger, int max, string eventId, EdgeGateway.Core.Downlink.AlarmAckState state);

    [LoggerMessage(1405, LogLevel.Critical, "Local escalation ON: sounder and escalation outputs on ({Count} alarms unacknowledged by the center)")]
    public static partial void LocalEscalationOn(ILogger logger, int count);

    [LoggerMessage(1406, LogLevel.Warning, "Local escalation OFF: sounder and escalation outputs off")]
    public static partial void LocalEscalationOff(ILogger logger);

    [LoggerMessage(1407, LogLevel.Warning, "Local sounder silenced; the escalation output stays on until the center acknowledges")]
    public static partial void SounderSilenced(ILogger logger);

    [LoggerMessage(1408, LogLevel.Information, "Status LED: {Indication}")]
    public static partial void StatusLedIndication(ILogger logger, string indication);

    [LoggerMessage(1601, LogLevel.Information, "Command {CommandId} {Command} done: {Detail}")]
    public static partial void CommandDone(ILogger logger, string commandId, string command, string detail);

    [LoggerMessage(1602, LogLevel.Warning, "Command {CommandId} {Command} refused ({Code}): {Reason}")]
    public static partial void CommandRefused(ILogger logger, string commandId, string command, string code, string reason);

    [LoggerMessage(1603, LogLevel.Information, "Command {CommandId} {Command} seen before (redelivered); its first result is sent again")]
    public static partial void CommandRepeated(ILogger logger, string commandId, string command);

    [LoggerMessage(1605, LogLevel.Warning, "Test mode on until {Until} for {Inputs}: their events are marked \"test\": true")]
    public static partial void TestModeOn(ILogger logger, string until, string inputs);

    [LoggerMessage(1607, LogLevel.Warning, "Retained command {CommandId} {Command} (ts {Issued}) ignored: the center never retains commands; clear it on the broker (this is logged once per id)")]
    public static partial void RetainedCommandIgnored(ILogger logger, string commandId, string command, string issued);

    [LoggerMessage(1608, LogLevel.Warning, "Remembered command ids in {Path} cannot be read ({Reason}); starting with none")]
    public static partial void CommandIdsUnreadable(ILogger logger, string path, string reason);

    [LoggerMessage(1609, LogLevel.Warning, "Remembered command ids cannot be saved to {Path} ({Reason}); they are kept in memory")]
    public static partial void CommandIdsNotSaved(ILogger logger, string path, string reason);

    [LoggerMessage(1610, LogLevel.Critical, "Panic {InputId} held {Seconds} s during test mode: reported as a real alarm, and the input leaves the test")]
    public static partial void TestModePanicHeld(ILogger logger, string inputId, int seconds);

    [LoggerMessage(1611, LogLevel.Error, "Checking for a panic held during test mode failed; checking again in a second")]
    public static partial void TestModePanicCheckFailed(ILogger logger, Exception exception);

    [LoggerMessage(1606, LogLevel.Warning, "Test mode off: {Reason}")]
    public static partial void TestModeOff(ILogger logger, string reason);

    [LoggerMessage(1701, LogLevel.Error, "Loop {Loop} faulted ({Failures} in a row); restarting it in {BackoffSeconds} s")]
    public static partial void LoopFaulted(ILogger logger, string loop, int failures, double backoffSeconds, Exception exception);

    [LoggerMessage(1702, LogLevel.Critical, "Loop {Loop} faulted {Failures} times in a row without {HealthySeconds} s of healthy running: it cannot recover in process; the systemd watchdog is withheld so the service is restarted (it is still retried meanwhile)")]
    public static partial void LoopCannotRecover(ILogger logger, string loop, int failures, double healthySeconds, Exception exception);

    [LoggerMessage(1703, LogLevel.Warning, "Loop {Loop} restarted")]
    public static partial void LoopRestarted(ILogger logger, string loop);

    [LoggerMessage(1704, LogLevel.Error, "{Part} unavailable: {Reason}; the inputs, the outbox and the uplink run without it")]
    public static partial void PartUnavailable(ILogger logger, string part, string reason);

    [LoggerMessage(1705, LogLevel.Critical, "{Part} cannot be opened: {Reason}; the gateway stays online, reports a fault and tries again in {RetrySeconds} s")]
    public static partial void LinesUnavailable(ILogger logger, string part, string reason, double retrySeconds);

    [LoggerMessage(1706, LogLevel.Warning, "{Part} opened after {Attempts} attempts; the {Fault} fault is restored")]
    public static partial void LinesRecovered(ILogger logger, string part, int attempts, string fault);
}
