using EdgeGateway.Core.Events;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Core.Outbox;

/// <summary>
/// The one owner of seqs: gives every accepted draft the next one, whether the store takes it now or the draft waits
/// in memory (and is maybe published from there). It starts above the store's last seq and the durable reservation
/// (<see cref="IOutboxStore.ReservedSeq"/>), and never goes back, whatever the store says after a failure or a reopen.
/// </summary>
/// <remarks>
/// A seq the store took is on disk before it is handed out. One held in memory instead (the disk refused or stalled) is
/// reserved first (<see cref="CoverHeld"/>), <see cref="Block"/> ahead so a long outage costs one write per block, in
/// place so a full disk takes it, with its own deadline so a stalled append does not hold it: a kill never gives one
/// out again. A kill while events are held leaves a gap of at most a block; a kill otherwise, none (nor a clean stop,
/// <see cref="ReleaseUnused"/>). If the reservation cannot be written the held events are handed out anyway (an alarm
/// never waits for it) and it is tried again at the next one.
/// </remarks>
public sealed class SeqAllocator(IOutboxStore store, ILogger logger)
{
    /// <summary>Seqs reserved beyond the ones held: one reservation write per this many held events.</summary>
    public const int Block = 64;

    private readonly Lock _lock = new();

    // -1 until the reservation and the store were read (at the first use, after the open at start).
    private long _last = -1;
    private long _reserved;
    private bool _reservationFailing;

    /// <summary>The last seq given out.</summary>
    public long Last
    {
        get
        {
            lock (_lock)
            {
                StartLocked();
                return _last;
            }
        }
    }

    /// <summary>The store opened after seqs were given out without it: continues above its last seq if that is higher.</summary>
    public void ContinueAbove(long seq)
    {
        lock (_lock)
        {
            StartLocked();
            if (seq > _last)
            {
                Log.SeqsRaised(logger, seq, _last);
                _last = seq;
            }
        }
    }

    /// <summary>Gives the drafts the next seqs, in order.</summary>
    public IReadOnlyList<NumberedDraft> Number(IReadOnlyList<EventDraft> drafts)
    {
        ArgumentNullException.ThrowIfNull(drafts);
        lock (_lock)
        {
            StartLocked();
            var numbered = new NumberedDraft[drafts.Count];
            for (var i = 0; i < drafts.Count; i++)
            {
                numbered[i] = new NumberedDraft(++_last, drafts[i]);
            }

            return numbered;
        }
    }

    /// <summary>Seqs up to <paramref name="seq"/> went to events held only in memory: reserved on disk before they are handed out.</summary>
    public void CoverHeld(long seq)
    {
        lock (_lock)
        {
            if (seq > _reserved)
            {
                ReserveLocked(seq + Block);
            }
        }
    }

    /// <summary>
    /// At a clean stop, when nothing more is given out: the reservation falls back to the last seq, so the next start
    /// continues right after it and the center sees no gap. A seq asked for later is reserved again first.
    /// </summary>
    public void ReleaseUnused()
    {
        lock (_lock)
        {
            if (_last < 0 || _reserved <= _last)
            {
                return;
            }

            ReserveLocked(_last);
        }
    }

    private void StartLocked()
    {
        if (_last >= 0)
        {
            return;
        }

        try
        {
            _reserved = store.ReservedSeq;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.SeqReservationUnreadable(logger, ex);
        }

        _last = Math.Max(_reserved, store.LastSeq);
    }

    private void ReserveLocked(long seq)
    {
        try
        {
            store.ReserveSeq(seq);
            _reserved = seq;
            _reservationFailing = false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (!_reservationFailing)
            {
                Log.SeqReservationFailed(logger, seq, ex);
            }

            _reservationFailing = true;
        }
    }
}
