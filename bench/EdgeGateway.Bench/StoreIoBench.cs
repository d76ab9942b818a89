using EdgeGateway.Core.Events;
using EdgeGateway.Outbox.LiteDb;
using EdgeGateway.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

/// <summary>What the outbox store writes to disk per event.</summary>
/// <param name="BytesPerAlarm">write_bytes per alarm appended and then removed (its PUBACK), one append per alarm.</param>
/// <param name="FsyncsPerAlarm">fsyncs the store issued per alarm.</param>
/// <param name="BytesPerTelemetry">write_bytes per telemetry event, appended in batches of <paramref name="Batch"/> and removed per batch.</param>
/// <param name="FsyncsPerTelemetry">fsyncs per telemetry event.</param>
/// <param name="Alarms">Alarms measured.</param>
/// <param name="Telemetry">Telemetry events measured.</param>
/// <param name="Batch">Telemetry events per append.</param>
internal sealed record StoreIo(double BytesPerAlarm, double FsyncsPerAlarm, double BytesPerTelemetry, double FsyncsPerTelemetry, int Alarms, int Telemetry, int Batch);

/// <summary>
/// Bytes written to disk (this process's <c>write_bytes</c> in /proc/self/io, so the kernel's count of pages
/// dirtied, including LiteDB's and the journal's) and fsyncs per alarm and per telemetry event, measured on the
/// store itself in a directory on the same disk as the repo. Each phase ends with the store's close, so the
/// batched move into LiteDB is counted too. Byte counts are not disturbed by a loaded CPU.
/// </summary>
internal static class StoreIoBench
{
    public static StoreIo Run(int alarms, int telemetryBatches, int batch)
    {
        var identity = new GatewayIdentity("bench", "gw1", TimeProvider.System);
        var (alarmBytes, alarmFsyncs) = Measure(identity, store =>
        {
            for (var i = 0; i < alarms; i++)
            {
                store.Remove([.. store.AppendNext([Draft(EventKind.Panic, Lane.Alarm)])]);
            }
        });
        var (telemetryBytes, telemetryFsyncs) = Measure(identity, store =>
        {
            for (var i = 0; i < telemetryBatches; i++)
            {
                store.Remove([.. store.AppendNext([.. Enumerable.Range(0, batch).Select(_ => Draft(EventKind.Generic, Lane.Telemetry))])]);
            }
        });
        var telemetry = telemetryBatches * batch;
        return new StoreIo(alarmBytes / alarms, alarmFsyncs / alarms, telemetryBytes / telemetry, telemetryFsyncs / telemetry, alarms, telemetry, batch);
    }

    /// <summary>Bytes this process has caused to be written to storage.</summary>
    public static long WrittenBytes(int? pid = null) => ProcFile.Field($"/proc/{(pid is null ? "self" : pid.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))}/io", "write_bytes");

    private static (double Bytes, double Fsyncs) Measure(GatewayIdentity identity, Action<LiteDbOutboxStore> work)
    {
        var directory = Directory.CreateTempSubdirectory("edge-gateway-io-").FullName;
        try
        {
            var files = new CountingFiles();
            var store = new LiteDbOutboxStore(Path.Combine(directory, "outbox.db"), identity, NullLogger<LiteDbOutboxStore>.Instance, files.Open);
            store.Open();

            // The first append creates LiteDB's pages and the seq sidecar: not part of the steady state.
            store.Remove([.. store.AppendNext([Draft(EventKind.Panic, Lane.Alarm)])]);
            var before = WrittenBytes();
            files.Fsyncs = 0;
            work(store);
            store.Dispose();
            return (WrittenBytes() - before, files.Fsyncs);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static EventDraft Draft(EventKind kind, Lane lane)
    {
        var now = TimeProvider.System.GetUtcNow();
        return new EventDraft(Guid.CreateVersion7(now).ToString(), lane == Lane.Telemetry ? "cold-room-temp" : "office-panic", kind, EventState.Active, now, ClockSynced: true, "building A, room 12")
        {
            Lane = lane,
        };
    }

    /// <summary>Opens the store's files as it does itself and counts fsyncs.</summary>
    private sealed class CountingFiles
    {
        private int _fsyncs;

        public int Fsyncs
        {
            get => Volatile.Read(ref _fsyncs);
            set => Volatile.Write(ref _fsyncs, value);
        }

        public FileStream Open(string path) => new CountingFileStream(path, this);

        private sealed class CountingFileStream(string path, CountingFiles owner)
            : FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0)
        {
            public override void Flush(bool flushToDisk)
            {
                if (flushToDisk)
                {
                    Interlocked.Increment(ref owner._fsyncs);
                }

                base.Flush(flushToDisk);
            }
        }
    }
}

/// <summary>Reads <c>name: value</c> lines of /proc files.</summary>
internal static class ProcFile
{
    /// <summary>The first number after <c>name:</c> (for <c>VmRSS:  51200 kB</c>, 51200).</summary>
    public static long Field(string path, string name)
    {
        var line = File.ReadLines(path).First(l => l.StartsWith(name + ":", StringComparison.Ordinal));
        return long.Parse(line[(name.Length + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
