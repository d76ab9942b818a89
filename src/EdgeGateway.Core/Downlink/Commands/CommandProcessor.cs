using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Core.Uplink;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Downlink.Commands;

/// <summary>
/// Checks and carries out the center's commands (<c>reset</c>, <c>silence</c>, <c>test-mode</c>, <c>status</c>,
/// <c>retry-set-aside</c>) and makes their results. Every command gets a result, bad ones an error that changed
/// nothing, except a retained one, which is ignored (the center never retains commands; a retained one would run at
/// every resubscribe). A repeated id (a QoS 1 redelivery, also after a restart: <see cref="CommandIdMemory"/>) gets
/// the first result again without running the command twice. Nothing here throws.
/// Not thread-safe: one consumer loop calls it.
/// </summary>
public sealed class CommandProcessor(
    InputMonitor inputs,
    TestModeSwitch testMode,
    IClockSync clock,
    IOptions<CommandOptions> options,
    TopicScheme topics,
    CommandIdMemory memory,
    DownlinkProblems problems,
    TimeProvider time,
    ILogger<CommandProcessor> logger,
    ILocalSounder? sounder = null,
    IStatusReporter? statusReporter = null,
    IOutboxStore? outbox = null,
    OutboxSignal? outboxSignal = null)
{
    /// <summary>The longest a <c>status</c> command waits for the broker before it fails.</summary>
    public static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Retained command ids already reported (bounded; starts over when full).</summary>
    private const int RetainedReportedMax = 64;

    /// <summary>The most inputs one <c>test-mode</c> command may name.</summary>
    public const int MaxTestInputs = 64;

    private readonly CommandOptions _options = options.Value;
    private readonly HashSet<string> _retainedReported = new(StringComparer.Ordinal);

    /// <summary>
    /// Handles one command as delivered and returns the result with the topic it goes to, or null for a retained
    /// command (ignored, unanswered).
    /// </summary>
    public async Task<CommandReply?> HandleAsync(ReceivedCommand delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        if (delivery.Retained)
        {
            IgnoreRetained(delivery);
            return null;
        }

        var ownTopic = string.IsNullOrEmpty(delivery.ResponseTopic) || topics.IsOwnCommandResult(delivery.ResponseTopic);
        var replyTopic = ownTopic && !string.IsNullOrEmpty(delivery.ResponseTopic) ? delivery.ResponseTopic : topics.CommandResult;
        return new CommandReply(await ResultOfAsync(delivery, ownTopic, cancellationToken), replyTopic);
    }

    private async Task<CommandResult> ResultOfAsync(ReceivedCommand delivery, bool ownTopic, CancellationToken cancellationToken)
    {
        var payload = delivery.Payload;
        if (payload.Length > _options.MaxPayloadBytes)
        {
            problems.Report(DownlinkProblem.MalformedCommand, $"{payload.Length}+ bytes (Commands:MaxPayloadBytes {_options.MaxPayloadBytes})");
            return Failed(null, null, CommandErrors.TooLarge, $"a command may have at most {_options.MaxPayloadBytes} bytes (Commands:MaxPayloadBytes)");
        }

        if (CommandRequest.TryParse(payload, out var id, out var command, out var problem) is not { } request)
        {
            problems.Report(DownlinkProblem.MalformedCommand, $"command {Printable(id)}: {problem}");
            return Failed(id, command, CommandErrors.Malformed, problem);
        }

        if (!ownTopic)
        {
            problems.Report(DownlinkProblem.ForeignResponseTopic, $"command {Printable(request.Id)} {Printable(request.Command)} asked for replies outside {topics.CommandResult}");
            return Failed(request.Id, request.Command, CommandErrors.ForeignResponseTopic, $"the response topic must be {topics.CommandResult} or a topic below it; the command was not carried out");
        }

        if (memory.Find(request.Id) is { } first)
        {
            Log.CommandRepeated(logger, request.Id, request.Command);
            return first;
        }

        var result = CommandFreshness.Problem(request, delivery, clock.IsSynchronized, time.GetUtcNow(), _options.MaxAgeSeconds) is { } stale
            ? Refuse(request, CommandErrors.Stale, stale)
            : await ExecuteAsync(request, cancellationToken);
        memory.Remember(request.Id, result);
        return result;
    }

    /// <summary>Logged once per id (a retained command comes back at every resubscribe), counted every time.</summary>
    private void IgnoreRetained(ReceivedCommand delivery)
    {
        problems.Count(DownlinkProblem.RetainedCommand);
        string? id = null;
        var request = delivery.Payload.Length <= _options.MaxPayloadBytes ? CommandRequest.TryParse(delivery.Payload, out id, out _, out _) : null;
        var key = id ?? "(unreadable)";
        if (_retainedReported.Count >= RetainedReportedMax)
        {
            _retainedReported.Clear();
        }

        if (_retainedReported.Add(key))
        {
            Log.RetainedCommandIgnored(logger, Printable(key), Printable(request?.Command), request is null ? "unreadable" : EventPayload.FormatTimestamp(request.IssuedAt));
        }
    }

    private static string Printable(string? text) => text is null ? "(unreadable)" : DownlinkProblems.Printable(text, CommandRequest.MaxIdLength);

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
                _ => UnknownCommand(request),
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A fault in the sounder or the status reporter must not take the command loop down.
            return Refuse(request, CommandErrors.Failed, ex.Message);
        }
    }

    private CommandResult UnknownCommand(CommandRequest request)
    {
        problems.Report(DownlinkProblem.UnknownCommand, $"command {Printable(request.Id)} '{Printable(request.Command)}'");
        return Failed(request.Id, request.Command, CommandErrors.UnknownCommand, "known commands: reset, silence, test-mode, status, retry-set-aside");
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

        // Active now: the inputs whose latch this reset clears (one still held restores when it is let go). Read before
        // the request: the input loop may clear them before this line runs.
        var clearing = string.Join(',', targets.Where(c => c.IsActive).Select(c => c.Options.Id));
        inputs.RequestReset(input);
        return Done(request, [new("reset", input ?? "all"), new("active", clearing)]);
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

        if (!request.TryGetInteger("timeoutSeconds", 1, _options.TestModeMaxSeconds, out var timeout, out problem)
            || !request.TryGetStringSet("inputs", MaxTestInputs, CommandRequest.MaxIdLength, out var named, out problem))
        {
            return Refuse(request, CommandErrors.InvalidArgument, problem);
        }

        var known = inputs.Channels.Select(c => c.Options.Id).ToHashSet(StringComparer.Ordinal);
        if (named?.FirstOrDefault(n => !known.Contains(n)) is { } unknown)
        {
            return Refuse(request, CommandErrors.UnknownInput, $"this gateway has no input '{Printable(unknown)}'");
        }

        var seconds = timeout ?? _options.TestModeDefaultSeconds;
        var state = testMode.TurnOn(TimeSpan.FromSeconds(seconds), named);
        return Done(request,
        [
            new("testMode", true),
            new("timeoutSeconds", seconds),
            new("since", EventPayload.FormatTimestamp(state.Since)),
            new("until", EventPayload.FormatTimestamp(state.Until)),
            new("inputs", named is null ? "all" : string.Join(',', named.Order(StringComparer.Ordinal))),
        ]);
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
        Log.CommandRefused(logger, Printable(id), Printable(command), code, message);
        return Failed(id, command, code, message);
    }

    /// <summary>A refusal whose log line is rate-limited by <see cref="DownlinkProblems"/>.</summary>
    private CommandResult Failed(string? id, string? command, string code, string message) =>
        CommandResult.Failed(id, command, time.GetUtcNow(), code, message);
}
