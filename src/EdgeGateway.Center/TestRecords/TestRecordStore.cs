using System.Text.Json;
using EdgeGateway.Center.Storage;
using Microsoft.Data.Sqlite;

namespace EdgeGateway.Center.TestRecords;

/// <summary>Button-test records and the inputs of every gateway, in the <see cref="CenterDatabase"/>.</summary>
public sealed class TestRecordStore(CenterDatabase database, TimeProvider time)
{
    private const string Columns = "event_id, site, gateway, input, kind, location, pressed_at, received_at, tested_by, round_trip_ms";

    /// <summary>A test event arrived (<c>"test": true</c>, state <c>active</c>): records it once (a redelivery changes nothing).</summary>
    public TestRecord Record(CenterMessage test, string testedBy)
    {
        ArgumentNullException.ThrowIfNull(test);
        database.Execute(
            $"INSERT OR IGNORE INTO tests ({Columns}) VALUES ($id, $site, $gateway, $input, $kind, $location, $pressed, $received, $by, NULL)",
            ("$id", test.Id), ("$site", test.Site), ("$gateway", test.Gateway), ("$input", test.Input), ("$kind", test.Kind), ("$location", test.Location),
            ("$pressed", CenterDatabase.Stamp(test.Timestamp)), ("$received", CenterDatabase.Stamp(time.GetUtcNow())), ("$by", testedBy));
        return Get(test.Id)!;
    }

    /// <summary>
    /// A gateway's health said when its alarm inputs were last proven and the round trip of that press to the center's
    /// ack, measured on its monotonic clock (right with an unsynchronised clock too): fills in the press's record.
    /// Returns the records completed.
    /// </summary>
    public int OnProven(string gatewayKey, IEnumerable<(string Input, DateTimeOffset? At, long? RoundTripMs)> proven)
    {
        ArgumentNullException.ThrowIfNull(proven);
        if (gatewayKey.Split('/') is not [var site, var gateway])
        {
            return 0;
        }

        return proven.Where(p => p.At is not null && p.RoundTripMs is not null).Sum(p => database.Execute(
            "UPDATE tests SET round_trip_ms = $rtt WHERE site = $site AND gateway = $gateway AND input = $input AND pressed_at = $at AND round_trip_ms IS NULL",
            ("$rtt", p.RoundTripMs), ("$site", site), ("$gateway", gateway), ("$input", p.Input), ("$at", CenterDatabase.Stamp(p.At!.Value))));
    }

    public TestRecord? Get(string eventId) => database.Query($"SELECT {Columns} FROM tests WHERE event_id = $id", Read, ("$id", eventId)).SingleOrDefault();

    /// <summary>Tests of <paramref name="site"/> pressed before <paramref name="to"/>, oldest first.</summary>
    public IReadOnlyList<TestRecord> Tests(string site, DateTimeOffset to) =>
        database.Query($"SELECT {Columns} FROM tests WHERE site = $site AND pressed_at < $to ORDER BY pressed_at", Read, ("$site", site), ("$to", CenterDatabase.Stamp(to)));

    /// <summary>A gateway's retained <c>status</c> arrived: remembers the inputs it lists (a reduced or offline status lists none).</summary>
    public int OnStatus(string gatewayKey, ReadOnlySpan<byte> payload)
    {
        if (gatewayKey.Split('/') is not [var site, var gateway])
        {
            return 0;
        }

        try
        {
            var reader = new Utf8JsonReader(payload);
            using var status = JsonDocument.ParseValue(ref reader);
            if (!status.RootElement.TryGetProperty("inputs", out var inputs) || inputs.ValueKind != JsonValueKind.Array)
            {
                return 0;
            }

            var now = CenterDatabase.Stamp(time.GetUtcNow());
            var count = 0;
            foreach (var input in inputs.EnumerateArray())
            {
                count += database.Execute(
                    "INSERT INTO inputs (site, gateway, input, kind, location, last_reported_at) VALUES ($site, $gateway, $input, $kind, $location, $now) "
                    + "ON CONFLICT (site, gateway, input) DO UPDATE SET kind = excluded.kind, location = excluded.location, last_reported_at = excluded.last_reported_at",
                    ("$site", site), ("$gateway", gateway), ("$input", input.GetProperty("id").GetString()), ("$kind", input.GetProperty("kind").GetString()),
                    ("$location", input.TryGetProperty("location", out var location) ? location.GetString() : ""), ("$now", now));
            }

            return count;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return 0;
        }
    }

    /// <summary>The inputs <paramref name="site"/>'s gateways reported, by gateway and id.</summary>
    public IReadOnlyList<KnownInput> Inputs(string site) =>
        database.Query("SELECT site, gateway, input, kind, location FROM inputs WHERE site = $site ORDER BY gateway, input", r => new KnownInput(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4)), ("$site", site));

    private static TestRecord Read(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
        CenterDatabase.ReadStamp(r, 6)!.Value, CenterDatabase.ReadStamp(r, 7)!.Value, r.GetString(8), r.IsDBNull(9) ? null : r.GetInt64(9));
}
