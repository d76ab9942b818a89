using System.Globalization;
using System.Text;
using EdgeGateway.TestKit;

namespace EdgeGateway.IntegrationTests.Chaos;

/// <summary>The figures of one chaos run, and the table the test prints.</summary>
internal sealed class ChaosResult
{
    public ChaosResult(int seed, TimeSpan chaosTime, TimeSpan drainTime, IReadOnlyList<AcceptedEvent> accepted, ChaosCenter center, ChaosGuard guard, ChaosStatus status)
    {
        Seed = seed;
        ChaosTime = chaosTime;
        DrainTime = drainTime;
        Status = status;
        var acceptedIds = accepted.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        Accepted = acceptedIds.Count;
        PanicPresses = accepted.Where(a => a.IsPanicPress).DistinctBy(a => a.Id).Count();
        Delivered = center.DeliveredIds;
        Duplicates = center.EventMessages - center.DeliveredIds;
        DeliveredWithoutAcceptLine = center.DeliveredEventIds().Count(id => !acceptedIds.Contains(id));
        AcceptedSeqCollisions = accepted.DistinctBy(a => a.Id).GroupBy(a => a.Seq).Count(g => g.Count() > 1);
        var delivered = center.FirstDeliveries();
        var deliveredSeqs = delivered.Select(d => d.Seq).ToList();
        var collisions = delivered.GroupBy(d => d.Seq).Where(g => g.Count() > 1).OrderBy(g => g.Key).ToList();
        DeliveredSeqCollisions = collisions.Count;
        SeqCollisionDetail = [.. collisions.Select(g => $"seq {g.Key}: " + string.Join(" | ", g.Select(d =>
            $"{d.Input} {d.Kind} {d.State} at {d.Timestamp} id {d.Id}{(acceptedIds.Contains(d.Id) ? "" : " (no accepted line)")}")))];
        DeliveredSeqGaps = deliveredSeqs.Count == 0 ? 0 : deliveredSeqs.Max() - deliveredSeqs.Distinct().LongCount();
        GuardPresses = guard.Presses;
        GuardRefused = guard.Refused;
        Acks = (center.AcksSent, center.AcksFailed);
        Resets = (center.ResetsSent, center.ResetsFailed);
        CenterReconnects = center.Recorder.Reconnects;
    }

    public int Seed { get; }

    public TimeSpan ChaosTime { get; }

    public TimeSpan DrainTime { get; }

    public ChaosStatus Status { get; }

    public int Accepted { get; }

    public int PanicPresses { get; }

    public int Delivered { get; }

    public int Duplicates { get; }

    public int DeliveredWithoutAcceptLine { get; }

    public int AcceptedSeqCollisions { get; }

    public int DeliveredSeqCollisions { get; }

    public long DeliveredSeqGaps { get; }

    /// <summary>Each seq the center saw on two different ids, with both events.</summary>
    public IReadOnlyList<string> SeqCollisionDetail { get; }

    public int GuardPresses { get; }

    public int GuardRefused { get; }

    public (int Sent, int Failed) Acks { get; }

    public (int Sent, int Failed) Resets { get; }

    public int CenterReconnects { get; }

    /// <summary>Accepted ids the center had not received when the drain bound passed.</summary>
    public required IReadOnlyList<AcceptedEvent> Missing { get; init; }

    public required IReadOnlyList<string> MissingContext { get; init; }

    /// <summary>Of <see cref="Missing"/>, how many a rescue restart then delivered (they were on disk, behind a wedged loop).</summary>
    public required int RecoveredByRescueRestart { get; init; }

    public required IReadOnlyDictionary<ChaosFault, int> Injected { get; init; }

    public required int Starts { get; init; }

    public required int StartFailures { get; init; }

    public required int ExitsOnItsOwn { get; init; }

    public required bool DiskFaultsAvailable { get; init; }

    public required IReadOnlyList<string> Timeline { get; init; }

    public required IReadOnlyList<string> Findings { get; init; }

    public double PanicPressesPerMinute => PanicPresses / Math.Max(ChaosTime.TotalMinutes, 1.0 / 60);

    public string Table()
    {
        var c = CultureInfo.InvariantCulture;
        var depth = Status.Snapshot is { } s ? (s.Alarm.Depth + s.Event.Depth).ToString(c) : "unknown";
        var rows = new List<(string Figure, string Value)>
        {
            ("seed (replay: EDGEGATEWAY_CHAOS_SEED)", Seed.ToString(c)),
            ("chaos time", string.Create(c, $"{ChaosTime.TotalMinutes:0.00} min")),
            ("drain after the final recovery", string.Create(c, $"{DrainTime.TotalSeconds:0.0} s")),
            ("accepted (logged on disk)", Accepted.ToString(c)),
            ("  of which panic presses", string.Create(c, $"{PanicPresses} ({PanicPressesPerMinute:0.0}/min)")),
            ("delivered (distinct ids)", Delivered.ToString(c)),
            ("duplicates (repeat deliveries)", Duplicates.ToString(c)),
            ("LOST (accepted, never delivered)", Missing.Count.ToString(c)),
            ("  of them delivered after a rescue restart", RecoveredByRescueRestart.ToString(c)),
            ("delivered without an accepted line", DeliveredWithoutAcceptLine.ToString(c)),
            ("seq given to two ids (accepted / delivered)", string.Create(c, $"{AcceptedSeqCollisions} / {DeliveredSeqCollisions}")),
            ("seq gaps among delivered", DeliveredSeqGaps.ToString(c)),
            ("outbox depth at the end (alarm + event)", depth),
            ("gateway starts / failed starts / exits on its own", string.Create(c, $"{Starts} / {StartFailures} / {ExitsOnItsOwn}")),
        };
        foreach (var (fault, count) in Injected)
        {
            rows.Add(($"fault injected: {ChaosRun.Name(fault)}", fault == ChaosFault.DiskFull && !DiskFaultsAvailable ? "unavailable (needs root)" : count.ToString(c)));
        }

        rows.Add(("guard presses answered / refused", string.Create(c, $"{GuardPresses} / {GuardRefused}")));
        rows.Add(("operator acks sent / failed", string.Create(c, $"{Acks.Sent} / {Acks.Failed}")));
        rows.Add(("operator resets sent / failed", string.Create(c, $"{Resets.Sent} / {Resets.Failed}")));
        rows.Add(("center reconnects", CenterReconnects.ToString(c)));

        var width = rows.Max(r => r.Figure.Length);
        var table = new StringBuilder();
        table.AppendLine(c, $"| {"figure".PadRight(width)} | value");
        table.AppendLine(c, $"| {new string('-', width)} | -----");
        foreach (var (figure, value) in rows)
        {
            table.AppendLine(c, $"| {figure.PadRight(width)} | {value}");
        }

        return table.ToString();
    }

    /// <summary>The table, the timeline of faults, what went wrong on the way, and each lost id in its context.</summary>
    public string Report()
    {
        var report = new StringBuilder(Table());
        report.AppendLine().AppendLine("timeline (start, fault, how long):");
        foreach (var line in Timeline)
        {
            report.AppendLine(line);
        }

        report.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"findings ({Findings.Count}):");
        foreach (var finding in Findings)
        {
            report.AppendLine(finding);
        }

        if (SeqCollisionDetail.Count > 0)
        {
            report.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"seqs the center saw on two ids ({SeqCollisionDetail.Count}, first 20):");
            foreach (var collision in SeqCollisionDetail.Take(20))
            {
                report.AppendLine(collision);
            }
        }

        foreach (var lost in MissingContext.Take(5))
        {
            report.AppendLine().AppendLine("lost: " + lost);
        }

        report.AppendLine().AppendLine("final status:").AppendLine(Status.Table);
        return report.ToString();
    }
}
