using System.Globalization;
using System.Text;
using EdgeGateway.Center.Storage;
using Microsoft.Data.Sqlite;

namespace EdgeGateway.Center.Tickets;

/// <summary>
/// Fault tickets in the <see cref="CenterDatabase"/>: every <c>fault</c> a gateway reports opens one per gateway, source
/// and cause (a repeat before it is rectified is noted on it; one after is a new ticket); the gateway's restore
/// rectifies it; a test press of its input (or an operator) verifies it. No web framework: the board and the console render what this returns.
/// </summary>
public sealed class TicketService(CenterDatabase database, TimeProvider time)
{
    private const string Columns = "id, site, gateway, source, fault, location, state, event_id, event_ts, discovered_at, acknowledged_at, acknowledged_by, rectified_at, rectified_by, verified_at, verified_by, notes";

    /// <summary>Who rectified a ticket the gateway's restore closed.</summary>
    public const string GatewayRestore = "gateway restore";

    /// <summary>Who verified a ticket a test press closed.</summary>
    public const string TestPress = "test press";

    /// <summary>A <c>fault</c> event arrived: opens (active) or rectifies (restored) its ticket. Returns the ticket changed.</summary>
    public Ticket? OnFault(CenterMessage fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        var cause = fault.Detail.GetValueOrDefault("fault", "unknown");
        var open = FindUnrectified(fault.Site, fault.Gateway, fault.Input, cause);
        var now = CenterDatabase.Stamp(time.GetUtcNow());
        if (fault.State == "active")
        {
            if (open is not null)
            {
                database.Execute("UPDATE tickets SET notes = notes || $note WHERE id = $id", ("$id", open.Id), ("$note", $"{now} reported again ({fault.Id}); "));
                return Get(open.Id);
            }

            database.Execute(
                "INSERT INTO tickets (site, gateway, source, fault, location, state, event_id, event_ts, discovered_at) VALUES ($site, $gateway, $source, $fault, $location, 'discovered', $event, $ts, $now)",
                ("$site", fault.Site), ("$gateway", fault.Gateway), ("$source", fault.Input), ("$fault", cause), ("$location", fault.Location),
                ("$event", fault.Id), ("$ts", CenterDatabase.Stamp(fault.Timestamp)), ("$now", now));
            return FindUnrectified(fault.Site, fault.Gateway, fault.Input, cause);
        }

        if (open is null)
        {
            return null;
        }

        database.Execute("UPDATE tickets SET state = 'rectified', rectified_at = $now, rectified_by = $by WHERE id = $id", ("$id", open.Id), ("$now", now), ("$by", GatewayRestore));
        return Get(open.Id);
    }

    /// <summary>A test press proved <paramref name="input"/>: verifies its rectified tickets. Returns them.</summary>
    public IReadOnlyList<Ticket> OnProven(string site, string gateway, string input)
    {
        var rectified = database.Query($"SELECT {Columns} FROM tickets WHERE site = $site AND gateway = $gateway AND source = $source AND state = 'rectified'", Read, ("$site", site), ("$gateway", gateway), ("$source", input));
        foreach (var ticket in rectified)
        {
            Verify(ticket.Id, TestPress, null);
        }

        return [.. rectified.Select(t => Get(t.Id)!)];
    }

    /// <summary>An operator acknowledged ticket <paramref name="id"/>; null when there is no such open ticket in state discovered.</summary>
    public Ticket? Acknowledge(long id, string by) =>
        database.Execute("UPDATE tickets SET state = 'acknowledged', acknowledged_at = $now, acknowledged_by = $by WHERE id = $id AND state = 'discovered'", ("$id", id), ("$now", Now), ("$by", by)) == 0 ? null : Get(id);

    /// <summary>An operator rectified ticket <paramref name="id"/> with a note (what was done); null when it is not open or already rectified.</summary>
    public Ticket? Rectify(long id, string by, string note) =>
        database.Execute("UPDATE tickets SET state = 'rectified', rectified_at = $now, rectified_by = $by, notes = notes || $note WHERE id = $id AND state IN ('discovered', 'acknowledged')", ("$id", id), ("$now", Now), ("$by", by), ("$note", Note(by, note))) == 0 ? null : Get(id);

    /// <summary>An operator verified (closed) ticket <paramref name="id"/>; null when it is not open.</summary>
    public Ticket? Verify(long id, string by, string? note) =>
        database.Execute("UPDATE tickets SET state = 'verified', verified_at = $now, verified_by = $by, notes = notes || $note WHERE id = $id AND state <> 'verified'", ("$id", id), ("$now", Now), ("$by", by), ("$note", note is null ? "" : Note(by, note))) == 0 ? null : Get(id);

    public Ticket? Get(long id) => database.Query($"SELECT {Columns} FROM tickets WHERE id = $id", Read, ("$id", id)).SingleOrDefault();

    /// <summary>Open tickets, oldest first, each with its age now.</summary>
    public IReadOnlyList<(Ticket Ticket, TimeSpan Age)> Open()
    {
        var now = time.GetUtcNow();
        return [.. database.Query($"SELECT {Columns} FROM tickets WHERE state <> 'verified' ORDER BY discovered_at, id", Read).Select(t => (t, now - t.DiscoveredAt))];
    }

    /// <summary>Every ticket discovered in [<paramref name="from"/>, <paramref name="to"/>), oldest first.</summary>
    public IReadOnlyList<Ticket> History(DateTimeOffset from, DateTimeOffset to) =>
        database.Query($"SELECT {Columns} FROM tickets WHERE discovered_at >= $from AND discovered_at < $to ORDER BY discovered_at, id", Read, ("$from", CenterDatabase.Stamp(from)), ("$to", CenterDatabase.Stamp(to)));

    /// <summary>The history as CSV (RFC 4180), one row per ticket with the time and person of every step.</summary>
    public string HistoryCsv(DateTimeOffset from, DateTimeOffset to)
    {
        var csv = new StringBuilder("id,site,gateway,source,fault,location,state,event_id,event_ts,discovered_at,acknowledged_at,acknowledged_by,rectified_at,rectified_by,verified_at,verified_by,notes\r\n");
        foreach (var t in History(from, to))
        {
            Csv.AppendRow(csv, t.Id.ToString(CultureInfo.InvariantCulture), t.Site, t.Gateway, t.Source, t.Fault, t.Location, Ticket.StateName(t.State), t.EventId,
                Csv.Time(t.EventTimestamp), Csv.Time(t.DiscoveredAt), Csv.Time(t.AcknowledgedAt), t.AcknowledgedBy, Csv.Time(t.RectifiedAt), t.RectifiedBy,
                Csv.Time(t.VerifiedAt), t.VerifiedBy, t.Notes);
        }

        return csv.ToString();
    }

    private string Now => CenterDatabase.Stamp(time.GetUtcNow());

    private string Note(string by, string note) => $"{Now} {by}: {note}; ";

    private Ticket? FindUnrectified(string site, string gateway, string source, string fault) =>
        database.Query($"SELECT {Columns} FROM tickets WHERE site = $site AND gateway = $gateway AND source = $source AND fault = $fault AND state IN ('discovered', 'acknowledged') ORDER BY id DESC LIMIT 1", Read,
            ("$site", site), ("$gateway", gateway), ("$source", source), ("$fault", fault)).SingleOrDefault();

    private static Ticket Read(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
        Enum.Parse<TicketState>(r.GetString(6), ignoreCase: true), r.GetString(7),
        CenterDatabase.ReadStamp(r, 8)!.Value, CenterDatabase.ReadStamp(r, 9)!.Value,
        CenterDatabase.ReadStamp(r, 10), CenterDatabase.ReadText(r, 11), CenterDatabase.ReadStamp(r, 12), CenterDatabase.ReadText(r, 13),
        CenterDatabase.ReadStamp(r, 14), CenterDatabase.ReadText(r, 15), r.GetString(16));
}
