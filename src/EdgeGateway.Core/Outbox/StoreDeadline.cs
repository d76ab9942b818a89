namespace EdgeGateway.Core.Outbox;

/// <summary>
/// The deadline the gateway owns on every call into the store (<see cref="OutboxOptions.WriteDeadlineMs"/>): a disk
/// that stalls (a hung SD card, a dead NFS server) costs one deadline, then counts as a refusal, so a press is never
/// held by it. A call that overran its deadline keeps running on its own; until it returns the store counts as
/// stalled and every further call fails at once (<see cref="OutboxStalledException"/>) instead of queueing behind it.
/// When an overdue call does return, its result is handed to the <c>late</c> callback it was run with (an append
/// that did reach the disk, an open that did succeed), at the first call after, so nothing it did is done twice.
/// </summary>
public sealed class StoreDeadline(TimeSpan deadline, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly List<Overdue> _overdue = [];

    // Entries an append that overran its deadline wrote after all, by event id: the writer, still holding their drafts,
    // gets these back instead of writing them again.
    private readonly Dictionary<string, OutboxEntry> _lateAppended = new(StringComparer.Ordinal);

    public TimeSpan Deadline => deadline;

    /// <summary>True while a call that overran its deadline has not returned.</summary>
    public bool IsStalled
    {
        get
        {
            lock (_lock)
            {
                return HarvestLocked();
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="call"/> on a thread of its own (<see cref="StoreThreads"/>) and waits for it at most <see cref="Deadline"/>. Throws what it
    /// throws, or <see cref="OutboxStalledException"/> if it overran (or an earlier overdue call still runs).
    /// </summary>
    /// <param name="operation">For the message: <c>append</c>, <c>read</c>, <c>remove</c>, <c>open</c>.</param>
    /// <param name="call">The store call.</param>
    /// <param name="late">Called (under this object's lock, so briefly) with the result of the call if it overran and then succeeded.</param>
    /// <param name="within">A longer deadline for this call (the open at start, which may replay a long journal); null: <see cref="Deadline"/>.</param>
    /// <param name="abandon">
    /// Asked when the deadline passes: true gives the call up; false means it has already handed its result on (it
    /// is past the disk), so it is waited for, one more deadline at most.
    /// </param>
    public T Run<T>(string operation, Func<T> call, Action<T>? late = null, TimeSpan? within = null, Func<bool>? abandon = null)
    {
        lock (_lock)
        {
            if (HarvestLocked())
            {
                throw new OutboxStalledException(operation, deadline, stillRunning: true);
            }
        }

        var running = StoreThreads.Shared.Run(call);
        using var stopTimer = new CancellationTokenSource();
        var timer = Task.Delay(within ?? deadline, time, stopTimer.Token);
        if (Task.WhenAny(running, timer).GetAwaiter().GetResult() != running
            && ((abandon?.Invoke() ?? true) || !FinishesWithin(running, within ?? deadline, stopTimer.Token)))
        {
            lock (_lock)
            {
                _overdue.Add(new Overdue(running, late is null ? null : task => late(((Task<T>)task).Result)));
            }

            throw new OutboxStalledException(operation, within ?? deadline, stillRunning: false);
        }

        stopTimer.Cancel();
        return running.GetAwaiter().GetResult();
    }

    /// <summary>A call past the disk gets one more deadline to return (what it handed its result to should not block).</summary>
    private bool FinishesWithin(Task running, TimeSpan limit, CancellationToken stop) =>
        Task.WhenAny(running, Task.Delay(limit, time, stop)).GetAwaiter().GetResult() == running;

    /// <summary>
    /// Appends <paramref name="drafts"/> within the deadline, except those a stalled append wrote after all: their
    /// entries are returned as they were written. The writer appends its held drafts oldest first, so such drafts lead
    /// the batch; a batch that starts with none of them means they are behind it (refused from memory) and forgotten.
    /// <paramref name="durable"/> gets the entries on the store's thread as soon as they are on disk, unless the
    /// deadline gave the call up first (<see cref="IOutboxStore.Append"/>).
    /// </summary>
    public IReadOnlyList<OutboxEntry> Append(
        IReadOnlyList<NumberedDraft> drafts,
        Func<IReadOnlyList<NumberedDraft>, Action<IReadOnlyList<OutboxEntry>>?, IReadOnlyList<OutboxEntry>> append,
        Action<IReadOnlyList<OutboxEntry>>? durable = null)
    {
        ArgumentNullException.ThrowIfNull(drafts);
        var written = new List<OutboxEntry>();
        lock (_lock)
        {
            if (HarvestLocked())
            {
                throw new OutboxStalledException("append", deadline, stillRunning: true);
            }

            while (written.Count < drafts.Count && _lateAppended.Remove(drafts[written.Count].Draft.Id, out var entry))
            {
                written.Add(entry);
            }

            if (written.Count == 0)
            {
                _lateAppended.Clear();
            }
        }

        if (written.Count == drafts.Count)
        {
            return written.HandOn(durable);
        }

        // Handed on from the store's thread only when the whole batch is this call's; else, in order, from this one.
        var handOver = durable is not null && written.Count == 0 ? new DurableHandOver(durable) : null;
        IReadOnlyList<NumberedDraft> rest = written.Count == 0 ? drafts : [.. drafts.Skip(written.Count)];
        var appended = Run("append", () => append(rest, handOver is null ? null : handOver.Durable), late: entries =>
        {
            // Under _lock already (harvested there).
            foreach (var entry in entries)
            {
                _lateAppended[entry.EventId] = entry;
            }
        }, abandon: handOver is null ? null : handOver.TryAbandon);
        if (written.Count == 0)
        {
            return appended;
        }

        return ((IReadOnlyList<OutboxEntry>)[.. written, .. appended]).HandOn(durable);
    }

    /// <summary>
    /// Who wins when an append's fsync returns as its deadline passes: the store's thread handing the entries on, or
    /// the caller giving the call up (it then holds the drafts in memory, and handing them on too would send them twice).
    /// </summary>
    private sealed class DurableHandOver(Action<IReadOnlyList<OutboxEntry>> durable)
    {
        private const int Waiting = 0;
        private const int HandedOn = 1;
        private const int Abandoned = 2;
        private int _state;

        public void Durable(IReadOnlyList<OutboxEntry> entries)
        {
            if (Interlocked.CompareExchange(ref _state, HandedOn, Waiting) == Waiting)
            {
                durable(entries);
            }
        }

        public bool TryAbandon() => Interlocked.CompareExchange(ref _state, Abandoned, Waiting) == Waiting;
    }

    /// <summary>Hands over the results of overdue calls that have returned. True while one still runs.</summary>
    private bool HarvestLocked()
    {
        for (var i = 0; i < _overdue.Count; i++)
        {
            var overdue = _overdue[i];
            if (!overdue.Task.IsCompleted)
            {
                continue;
            }

            _overdue.RemoveAt(i--);
            if (overdue.Task.IsCompletedSuccessfully)
            {
                overdue.Late?.Invoke(overdue.Task);
            }
        }

        return _overdue.Count > 0;
    }

    private sealed record Overdue(Task Task, Action<Task>? Late);
}

/// <summary>A store call did not return within <see cref="OutboxOptions.WriteDeadlineMs"/>, or one that did not still runs.</summary>
public sealed class OutboxStalledException(string operation, TimeSpan deadline, bool stillRunning)
    : IOException(stillRunning
        ? $"the outbox storage is stalled: an earlier call has not returned; {operation} not tried"
        : $"the outbox storage is stalled: {operation} did not return within Outbox:WriteDeadlineMs ({deadline.TotalMilliseconds:0} ms)");
