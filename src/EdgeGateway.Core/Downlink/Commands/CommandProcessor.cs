using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Core.Uplink;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Downlink.Commands;

/// <summary>
/// Checks and carries out the center's commands (<c>reset</c>, <c>silence</c>, <c>test-mode</c>, <c>status</c>,
/// <c>retry-set-aside</c>) and
/// makes their results. Every command gets a result, bad ones an error that changed nothing; nothing here throws.
/// A repeated id (a QoS 1 redelivery) gets the first result again without running the command twice.
/// Not thread-safe: one consumer loop calls it.
/// </summary>
public sealed class CommandProcessor(
    InputMonitor inputs,
    TestModeSwitch testMode,
    IClockSync clock,
    IOptions<CommandOptions> options,
    TimeProvider time,
    ILogger<CommandProcessor> logger,
    ILocalSounder? sounder = null,
    IStatusReporter? statusReporter = null,
    IOutboxStore? outbox = null,
    OutboxSignal? outboxSignal = null)
{
    /// <summary>How many recent command ids are remembered to recognise redeliveries.</summary>
    public const int RememberedIds = 256;

    /// <summary>The longest a <c>status</c> command waits for the broker before it fails.</summary>
    public static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(10);

    private readonly CommandOptions _options = options.Value;
    private readonly Dictionary<string, CommandResult> _recent = new(StringComparer.Ordinal);
    private readonly Queue<string> _recentOrder = new();

    /// <summary>Handles one command message and returns the result to publish.</summary>
    public async Task<CommandResult> HandleAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (payload.Length > _options.MaxPayloadBytes)
        {
            return Refuse(null, null, CommandErrors.TooLarge, $"a command may have at most {_options.MaxPayloadBytes} bytes (Commands:MaxPayloadBytes)");
        }

        if (CommandRequest.TryParse(payload, out var id, out var command, out var problem) is not { } request)
        {
            return Refuse(id, command, CommandErrors.Malformed, problem);
        }

        if (_recent.TryGetValue(request.Id, out var first))
        {
            Log.CommandRepeated(logger, request.Id, request.Command);
            return first;
        }

        var result = Stale(request) ?? await ExecuteAsync(request, cancellationToken);
        Remember(result, request.Id);
        return result;
    }

    /// <summary>
    /// A command issued more than <c>Commands:MaxAgeSeconds</c> before or after now is refused. While the clock is not
    /// NTP-synchronised (a Pi has no RTC) "now" may be off by days, so the age is not checked: refusing every command
    /// then would lock the center out because of the gateway's own clock. Old queued commands are then kept out by
    /// the message expiry the center sets on each command (docs/mqtt-contract.md), which the broker applies.
    /// </summary>
    private CommandResult? Stale(CommandRequest request)
    {
        if (!clock.IsSynchronized)
        {
            Log.CommandAgeUnchecked(logger, request.Id, request.Command);
            return null;
        }

        var age = time.GetUtcNow() - request.IssuedAt;
        return age.Duration() > TimeSpan.FromSeconds(_options.MaxAgeSeconds)
            ? Refuse(request, CommandErrors.Stale, $"issued {(long)age.TotalSeconds} s ago by this gateway's clock; at most {_options.MaxAgeSeconds} s either way (Commands:MaxAgeSeconds)")
            : null;
    }

    private async Task<CommandResult> ExecuteAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return request.Command switch
            {
                "reset" => Reset(request),
                "silence" => Silence(request),
                "test-mode" => SwitchTestMode(request),
                "status" => await ReportStatusAsync(request, cancellationToken),
                "retry-set-aside" => RetrySetAside(request),
                _ => Refuse(request, CommandErrors.UnknownCommand, "known commands: reset, silence, test-mode, status, retry-set-aside"),
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A fault in the sounder or the status reporter must not take the command loop down.
            return Refuse(request, CommandErrors.Failed, ex.Message);
        }
    }

    private CommandResult Reset(CommandRequest request)
    {
        if (!request.TryGetString("input", out var input, out var problem))
        {
            return Refuse(request, CommandErrors.InvalidArgument, problem);
        }

        var targets = inputs.Channels.Where(c => input is null || c.Options.Id == input).ToList();
        if (input is not null && targets.Count == 0)
        {
            return Refuse(request, CommandErrors.UnknownInput, $"this gateway has no input '{input}'");
        }

        inputs.RequestReset(input);
        return Done(request,
        [
            new("reset", input ?? "all"),
            // Active now: the inputs whose latch this reset clears (one still held restores when it is let go).
            new("active", string.Join(',', targets.Where(c => c.IsActive).Select(c => c.Options.Id))),
        ]);
    }

    private CommandResult Silence(CommandRequest request)
    {
        if (sounder is null)
        {
            return Refuse(request, CommandErrors.UnknownCommand, "this gateway has no local sounder");
        }

        return Done(request, [new("silence", true), new("wasSounding", sounder.Silence())]);
    }

    private CommandResult SwitchTestMode(CommandRequest request)
    {
        if (!request.TryGetBoolean("on", out var on, out var problem))
        {
            return Refuse(request, CommandErrors.InvalidArgument, problem);
        }

        if (on is null)
        {
            return Refuse(request, CommandErrors.InvalidArgument, "'on' (true or false) is required");
        }

        if (on == false)
        {
            return Done(request, [new("testMode", false), new("wasOn", testMode.TurnOff())]);
        }

        if (!request.TryGetInteger("timeoutSeconds", 1, _options.TestModeMaxSeconds, out var timeout, out problem))
        {
            return Refuse(request, CommandErrors.InvalidArgument, problem);
        }

        var seconds = timeout ?? _options.TestModeDefaultSeconds;
        var until = testMode.TurnOn(TimeSpan.FromSeconds(seconds));
        return Done(request, [new("testMode", true), new("timeoutSeconds", seconds), new("until", EventPayload.FormatTimestamp(until))]);
    }

    private async Task<CommandResult> ReportStatusAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        if (statusReporter is null)
        {
            return Refuse(request, CommandErrors.UnknownCommand, "this gateway has no status reporter");
        }

        using var timeout = new CancellationTokenSource(StatusTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            await statusReporter.ReportNowAsync(linked.Token);
        }
        catch (Exception ex) when (ex is InvalidOperationException || (ex is OperationCanceledException && timeout.IsCancellationRequested))
        {
            return Refuse(request, CommandErrors.NotConnected, ex.Message);
        }

        return Done(request, [new("published", "status,health")]);
    }

    /// <summary>Puts the set-aside outbox entries back into their lanes and wakes the uplink to send them again.</summary>
    private CommandResult RetrySetAside(CommandRequest request)
    {
        if (outbox is null)
        {
            return Refuse(request, CommandErrors.UnknownCommand, "this gateway has no outbox");
        }

        var restored = outbox.RestoreSetAside();
        outboxSignal?.Notify();
        return Done(request, [new("restored", restored)]);
    }

    private CommandResult Done(CommandRequest request, IReadOnlyList<KeyValuePair<string, object>> detail)
    {
        Log.CommandDone(logger, request.Id, request.Command, string.Join(", ", detail.Select(d => $"{d.Key}={d.Value}")));
        return CommandResult.Done(request.Id, request.Command, time.GetUtcNow(), detail);
    }

    private CommandResult Refuse(CommandRequest request, string code, string message) => Refuse(request.Id, request.Command, code, message);

    private CommandResult Refuse(string? id, string? command, string code, string message)
    {
        Log.CommandRefused(logger, id ?? "(unreadable)", command ?? "(unreadable)", code, message);
        return CommandResult.Failed(id, command, time.GetUtcNow(), code, message);
    }

    private void Remember(CommandResult result, string id)
    {
        if (_recentOrder.Count == RememberedIds)
        {
            _recent.Remove(_recentOrder.Dequeue());
        }

        _recent[id] = result;
        _recentOrder.Enqueue(id);
    }
}
