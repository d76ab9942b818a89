using EdgeGateway.Core.Events;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Outbox;

/// <summary>
/// Wraps the real store so no storage failure can end the process: every call that throws is reported to
/// <see cref="StorageHealth"/> (the <see cref="OutboxWriter"/> raises the <c>storage</c> fault) and degrades safely.
/// An open that fails is retried with backoff while events wait in memory; a read that fails returns nothing (the
/// forwarder still sends from <see cref="UnwrittenEntries"/>); a remove that fails is kept and retried, and the
/// entries it names are hidden from reads meanwhile (sending one again would only be a duplicate; losing one is not
/// allowed). Only <see cref="Append"/> still throws: the writer keeps its drafts in memory then. Every call has the
/// deadline <see cref="StoreDeadline"/> owns: a stalled disk fails calls instead of holding them (properties give their
/// last known value), and an append that reaches the disk after its deadline is not written twice.
/// </summary>
public sealed class GuardedOutboxStore(
    IOutboxStore inner,
    StorageHealth health,
    UnwrittenEntries unwritten,
    TimeProvider time,
    ILogger<GuardedOutboxStore> logger,
    IOptions<OutboxOptions>? options = null)
    : IOutboxStore
{
    /// <summary>First wait before an open that failed is tried again; it doubles up to <see cref="MaxOpenBackoff"/>.</summary>
    public static readonly TimeSpan FirstOpenBackoff = TimeSpan.FromSeconds(1);

    /// <summary>Deadline of the open at start, off the press path (a long journal replay); a retried open has the call deadline.</summary>
    public static readonly TimeSpan StartOpenDeadline = TimeSpan.FromSeconds(60);

    /// <summary>Longest wait between attempts to open.</summary>
    public static readonly TimeSpan MaxOpenBackoff = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many of the removals waiting to be retried a read looks past. Beyond it, reads return fewer entries, so
    /// a drain on a disk that refuses every remove stops rather than hold ever more of them in memory.
    /// </summary>
    public const int MaxRemovalsReadPast = 4096;

    private readonly Lock _lock = new();
    private readonly Lock _openLock = new();
    private readonly StoreDeadline _deadline = new(TimeSpan.FromMilliseconds((options?.Value ?? new OutboxOptions()).WriteDeadlineMs), time);
    private readonly StoreDeadline _reservationDeadline = new(TimeSpan.FromMilliseconds((options?.Value ?? new OutboxOptions()).WriteDeadlineMs), time);

    // Last values read, given while the store is stalled.
    private long _lastSeq;
    private OutboxDepth _depth;
    private OutboxDrops _storedDrops;

    // Acknowledged entries whose removal failed, by event id: retried, and hidden from reads until then.
    private readonly Dictionary<string, OutboxEntry> _removals = new(StringComparer.Ordinal);
    private volatile bool _open;
    private TimeSpan _openBackoff = FirstOpenBackoff;
    private long? _nextOpenAt;

    // After a failed remove, the forwarder's next removes only queue until the retry tick or a successful append,
    // so a refusing disk is not asked (and the store reopened) once per publish window.
    private long? _nextRemoveAt;

    /// <summary>True once the real store has opened.</summary>
    public bool IsOpen => _open;

    /// <summary>Removals waiting to be retried.</summary>
    public int PendingRemovals
    {
        get
        {
            lock (_lock)
            {
                return _removals.Count;
            }
        }
    }

    public OutboxDrops Dropped
    {
        get
        {
            var stored = LastKnown(() => inner.Dropped, ref _storedDrops);
            var memory = unwritten.Refused;
            return new OutboxDrops(stored.Event + memory.Event, stored.Telemetry + memory.Telemetry);
        }
    }

    public OutboxRecovery? Recovery => inner.Recovery;

    public OutboxDepth Depth => LastKnown(() => inner.Depth, ref _depth);

    public long LastSeq => LastKnown(() => inner.LastSeq, ref _lastSeq);

    /// <summary>True while a store call that overran its deadline has not returned.</summary>
    public bool IsStalled => _deadline.IsStalled;

    /// <summary>Opens the real store; never throws. If it fails, the fault is reported and <see cref="Retry"/> tries again.</summary>
    public void Open() => TryOpen(ignoreBackoff: true, StartOpenDeadline);

    /// <summary>Opens the store if an earlier open failed and its backoff is over, then retries the failed removals.</summary>
    public void Retry()
    {
        if (!_open && !TryOpen(ignoreBackoff: false))
        {
            return;
        }

        RetryRemovals(ignoreBackoff: true);
    }

    public IReadOnlyList<OutboxEntry> Append(IReadOnlyList<NumberedDraft> drafts, Action<IReadOnlyList<OutboxEntry>>? durable = null)
    {
        if (!_open && !TryOpen(ignoreBackoff: false))
        {
            throw new IOException("The outbox is not open; its open is retried.");
        }

        IReadOnlyList<OutboxEntry> entries;
        try
        {
            entries = _deadline.Append(drafts, inner.Append, durable);
            Remember(entries);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Failed("append", ex);
            throw;
        }

        health.Succeeded("append");
        RetryRemovals(ignoreBackoff: true);
        return entries;
    }

    public IReadOnlyList<OutboxEntry> ReadPending(int max)
    {
        if (max <= 0 || (!_open && !TryOpen(ignoreBackoff: false)))
        {
            return [];
        }

        HashSet<string> hidden;
        lock (_lock)
        {
            hidden = [.. _removals.Keys];
        }

        try
        {
            var read = _deadline.Run("read", () => inner.ReadPending(max + Math.Min(hidden.Count, MaxRemovalsReadPast)));
            health.Succeeded("read");
            return hidden.Count == 0 ? read : [.. read.Where(e => !hidden.Contains(e.EventId)).Take(max)];
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Failed("read", ex);
            return [];
        }
    }

    public void Remove(IReadOnlyCollection<OutboxEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        lock (_lock)
        {
            foreach (var entry in entries)
            {
                _removals[entry.EventId] = entry;
            }
        }

        RetryRemovals(ignoreBackoff: false);
    }

    public DateTimeOffset? OldestTimestamp(Lane lane)
    {
        if (!_open)
        {
            return null;
        }

        try
        {
            var oldest = _deadline.Run("read", () => inner.OldestTimestamp(lane));
            health.Succeeded("read");
            return oldest;
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or ArgumentOutOfRangeException))
        {
            Failed("read", ex);
            return null;
        }
    }

    /// <summary>Best effort: an entry the disk refuses to set aside stays pending and is skipped by the forwarder this session.</summary>
    public IReadOnlyList<OutboxEntry> SetAside(IReadOnlyCollection<OutboxEntry> entries, string reason) =>
        Contained("set-aside", () => inner.SetAside(entries, reason), []);

    public long SetAsideCount => Contained("read", () => inner.SetAsideCount, 0L);

    public IReadOnlyList<SetAsideEntry> ReadSetAside(int max) => Contained("read", () => inner.ReadSetAside(max), []);

    public int RestoreSetAside() => Contained("set-aside", inner.RestoreSetAside, 0);

    /// <summary>With a deadline of its own: also while the store is not open or another call is stalled. Throws if it fails (the allocator logs it).</summary>
    public void ReserveSeq(long seq) => _reservationDeadline.Run("reserve", () => Done(() => inner.ReserveSeq(seq)));

    public long ReservedSeq => _reservationDeadline.Run("reserve", () => inner.ReservedSeq);

    public void Dispose()
    {
        try
        {
            inner.Dispose();
        }
        catch (Exception ex)
        {
            Log.StoreCallFailed(logger, "close", ex);
        }
    }

    private void Remember(IReadOnlyList<OutboxEntry> appended)
    {
        if (appended.Count > 0)
        {
            lock (_lock)
            {
                _lastSeq = Math.Max(_lastSeq, appended[^1].Seq);
            }
        }
    }

    private bool OpenInner()
    {
        inner.Open();
        var lastSeq = inner.LastSeq;
        lock (_lock)
        {
            _lastSeq = lastSeq;
        }

        Opened();
        return true;
    }

    private void Opened()
    {
        _open = true;
        health.Succeeded("open");
    }

    // A property read that stalls gives the value last read rather than hold its caller (health, the writer's seq).
    private T LastKnown<T>(Func<T> read, ref T cache)
    {
        try
        {
            var value = _deadline.Run("read", read);
            lock (_lock)
            {
                cache = value;
            }

            return value;
        }
        catch (OutboxStalledException)
        {
            lock (_lock)
            {
                return cache;
            }
        }
    }

    private bool TryOpen(bool ignoreBackoff, TimeSpan? within = null)
    {
        lock (_openLock)
        {
            if (_open)
            {
                return true;
            }

            var now = time.GetTimestamp();
            if (!ignoreBackoff && _nextOpenAt is long due && now < due)
            {
                return false;
            }

            try
            {
                // An open that overran its deadline and then succeeds marks the store open by itself.
                _deadline.Run("open", OpenInner, within: within);
                _openBackoff = FirstOpenBackoff;
                _nextOpenAt = null;
                return true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _nextOpenAt = now + (long)(_openBackoff.TotalSeconds * time.TimestampFrequency);
                _openBackoff = TimeSpan.FromTicks(Math.Min(_openBackoff.Ticks * 2, MaxOpenBackoff.Ticks));
                Failed("open", ex);
                return false;
            }
        }
    }

    private void RetryRemovals(bool ignoreBackoff)
    {
        List<OutboxEntry> removals;
        lock (_lock)
        {
            if (!ignoreBackoff && _nextRemoveAt is long due && time.GetTimestamp() < due)
            {
                return;
            }

            removals = [.. _removals.Values];
        }

        if (removals.Count > 0 && _open)
        {
            try
            {
                _deadline.Run("remove", () => Done(() => inner.Remove(removals)));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                lock (_lock)
                {
                    _nextRemoveAt = time.GetTimestamp() + (long)(OutboxWriter.RetryDelay.TotalSeconds * time.TimestampFrequency);
                }

                Failed("remove", ex);
                return;
            }

            lock (_lock)
            {
                _nextRemoveAt = null;
                foreach (var removed in removals)
                {
                    _removals.Remove(removed.EventId);
                }
            }
        }

        lock (_lock)
        {
            if (_open && _removals.Count == 0)
            {
                health.Succeeded("remove");
            }
        }
    }

    // A storage call that may fail without harm to the alarm path: the fault is raised and the fallback returned.
    private T Contained<T>(string operation, Func<T> call, T fallback)
    {
        if (!_open)
        {
            return fallback;
        }

        try
        {
            var result = _deadline.Run(operation, call);
            health.Succeeded(operation);
            return result;
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or ArgumentOutOfRangeException))
        {
            Failed(operation, ex);
            return fallback;
        }
    }

    private static bool Done(Action call)
    {
        call();
        return true;
    }

    private void Failed(string operation, Exception error)
    {
        Log.StoreCallFailed(logger, operation, error);
        health.Failed(operation, error);
    }
}
