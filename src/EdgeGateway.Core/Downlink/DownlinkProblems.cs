using Microsoft.Extensions.Logging;

namespace EdgeGateway.Core.Downlink;

/// <summary>What the broker delivered that the gateway could not use (docs/mqtt-contract.md, health <c>downlink</c>).</summary>
public enum DownlinkProblem
{
    /// <summary>An ack for an alarm this gateway does not track.</summary>
    UnknownAck,

    /// <summary>An ack that is not JSON, has no string <c>id</c>, or is over the length caps.</summary>
    MalformedAck,

    /// <summary>A command with a name this gateway does not know.</summary>
    UnknownCommand,

    /// <summary>A command that is not a readable command object, or too large.</summary>
    MalformedCommand,

    /// <summary>A command delivered with the retain flag set (from the broker's retained store): ignored.</summary>
    RetainedCommand,

    /// <summary>A command whose response topic is not under this gateway's own <c>…/cmd/result</c>: refused.</summary>
    ForeignResponseTopic,

    /// <summary>A command dropped unanswered beyond <c>Commands:QueueCapacity</c> and <c>Commands:MaxPerMinute</c>.</summary>
    DroppedCommand,
}

/// <summary>Counts of each <see cref="DownlinkProblem"/> since start.</summary>
public sealed record DownlinkCounts(
    long UnknownAcks,
    long MalformedAcks,
    long UnknownCommands,
    long MalformedCommands,
    long RetainedCommands,
    long ForeignResponseTopics,
    long DroppedCommands);

/// <summary>
/// Counts hostile or broken downlink input for health, and logs each kind at most once per <see cref="LogInterval"/>
/// with how many were left out since its last line: a flood of junk on <c>…/ack</c> or <c>…/cmd</c> cannot bury the
/// escalation log or fill the disk. Thread-safe.
/// </summary>
public sealed class DownlinkProblems(TimeProvider time, ILogger<DownlinkProblems> logger)
{
    public static readonly TimeSpan LogInterval = TimeSpan.FromMinutes(1);

    private static readonly int s_kinds = Enum.GetValues<DownlinkProblem>().Length;

    private readonly long[] _counts = new long[s_kinds];
    private readonly long?[] _loggedAt = new long?[s_kinds];
    private readonly long[] _notLogged = new long[s_kinds];
    private readonly Lock _lock = new();

    public DownlinkCounts Counts => new(
        Read(DownlinkProblem.UnknownAck),
        Read(DownlinkProblem.MalformedAck),
        Read(DownlinkProblem.UnknownCommand),
        Read(DownlinkProblem.MalformedCommand),
        Read(DownlinkProblem.RetainedCommand),
        Read(DownlinkProblem.ForeignResponseTopic),
        Read(DownlinkProblem.DroppedCommand));

    /// <summary>Counts one problem without logging it (the caller logged it its own way).</summary>
    public void Count(DownlinkProblem problem) => Interlocked.Increment(ref _counts[(int)problem]);

    /// <summary>Counts one problem and logs it, unless one of its kind was logged less than a minute ago.</summary>
    /// <param name="problem">What kind of input it was.</param>
    /// <param name="what">What arrived and why it was not used; bounded by the caller (ids are length-capped).</param>
    public void Report(DownlinkProblem problem, string what)
    {
        Count(problem);
        var kind = (int)problem;
        long notLogged;
        lock (_lock)
        {
            if (_loggedAt[kind] is { } last && time.GetElapsedTime(last) < LogInterval)
            {
                _notLogged[kind]++;
                return;
            }

            notLogged = _notLogged[kind];
            _notLogged[kind] = 0;
            _loggedAt[kind] = time.GetTimestamp();
        }

        Log.DownlinkProblem(logger, problem.ToString(), what, notLogged, (long)LogInterval.TotalSeconds);
    }

    /// <summary>
    /// Text from the broker as a log may show it: at most <paramref name="maxLength"/> characters, printable ASCII
    /// only (a hostile id cannot forge log lines).
    /// </summary>
    public static string Printable(string text, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        var shown = new System.Text.StringBuilder(Math.Min(text.Length, maxLength) + 1);
        foreach (var c in text.Length > maxLength ? text[..maxLength] : text)
        {
            shown.Append(c is >= ' ' and <= '~' ? c : '?');
        }

        return text.Length > maxLength ? shown.Append('…').ToString() : shown.ToString();
    }

    private long Read(DownlinkProblem problem) => Interlocked.Read(ref _counts[(int)problem]);
}
