using System.Globalization;
using Microsoft.Data.Sqlite;

namespace EdgeGateway.Center.Storage;

/// <summary>
/// The center's records in one SQLite file (<c>--db</c>): fault tickets, button-test records and the inputs each
/// gateway reported in its status. One connection, one caller at a time; every statement waits at most
/// <see cref="StatementTimeout"/> for the file (a lock held by another process, a slow disk) and then throws.
/// </summary>
public sealed class CenterDatabase : IDisposable
{
    /// <summary>The longest wait of one statement for the database file.</summary>
    public static readonly TimeSpan StatementTimeout = TimeSpan.FromSeconds(5);

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS tickets (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            site TEXT NOT NULL, gateway TEXT NOT NULL, source TEXT NOT NULL, fault TEXT NOT NULL, location TEXT NOT NULL,
            state TEXT NOT NULL, event_id TEXT NOT NULL, event_ts TEXT NOT NULL, discovered_at TEXT NOT NULL,
            acknowledged_at TEXT, acknowledged_by TEXT, rectified_at TEXT, rectified_by TEXT,
            verified_at TEXT, verified_by TEXT, notes TEXT NOT NULL DEFAULT '');
        CREATE INDEX IF NOT EXISTS tickets_open ON tickets (state, site, gateway, source);
        CREATE TABLE IF NOT EXISTS tests (
            event_id TEXT PRIMARY KEY,
            site TEXT NOT NULL, gateway TEXT NOT NULL, input TEXT NOT NULL, kind TEXT NOT NULL, location TEXT NOT NULL,
            pressed_at TEXT NOT NULL, received_at TEXT NOT NULL, tested_by TEXT NOT NULL, round_trip_ms INTEGER);
        CREATE INDEX IF NOT EXISTS tests_by_site ON tests (site, pressed_at);
        CREATE TABLE IF NOT EXISTS inputs (
            site TEXT NOT NULL, gateway TEXT NOT NULL, input TEXT NOT NULL, kind TEXT NOT NULL, location TEXT NOT NULL,
            last_reported_at TEXT NOT NULL, PRIMARY KEY (site, gateway, input));
        """;

    private readonly SqliteConnection _connection;

    public CenterDatabase(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            DefaultTimeout = (int)StatementTimeout.TotalSeconds,
            Pooling = false,
        }.ToString());
        _connection.Open();
        // WAL: a report read by a second edge-center process does not wait for the console's writes. FULL: a ticket
        // the console showed is on the disk, also after a power cut.
        Execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
        Execute(Schema);
    }

    public string Path { get; }

    /// <summary>The lock every caller holds around its statements (the connection is not thread-safe).</summary>
    public Lock Gate { get; } = new();

    /// <summary>Runs <paramref name="sql"/> with <paramref name="parameters"/> (<c>$name</c>, value; null is SQL NULL); returns the rows changed.</summary>
    public int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        lock (Gate)
        {
            using var command = Command(sql, parameters);
            return command.ExecuteNonQuery();
        }
    }

    /// <summary>The rows of <paramref name="sql"/>, each read by <paramref name="read"/>.</summary>
    public List<T> Query<T>(string sql, Func<SqliteDataReader, T> read, params (string Name, object? Value)[] parameters)
    {
        lock (Gate)
        {
            using var command = Command(sql, parameters);
            using var reader = command.ExecuteReader();
            var rows = new List<T>();
            while (reader.Read())
            {
                rows.Add(read(reader));
            }

            return rows;
        }
    }

    /// <summary>A timestamp as stored: UTC ISO-8601 with milliseconds, so text order is time order.</summary>
    public static string Stamp(DateTimeOffset at) => WireTimestamp.Format(at);

    public static DateTimeOffset? ReadStamp(SqliteDataReader reader, int column) =>
        reader.IsDBNull(column) ? null : DateTimeOffset.Parse(reader.GetString(column), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public static string? ReadText(SqliteDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);

    public void Dispose() => _connection.Dispose();

    private SqliteCommand Command(string sql, (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = (int)StatementTimeout.TotalSeconds;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }
}
