using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outbox;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Downlink.Commands;

/// <summary>
/// The results of the last <see cref="CommandOptions.RememberedIds"/> commands by id, kept in
/// <c>{DataDirectory}/command-ids.json</c> so a command redelivered after a restart (a persistent session, a
/// retained or replayed message) is answered with its first result and not run again. Bounded by count and by age
/// (<see cref="CommandOptions.RememberedIdHours"/>, by the wall clock). Written atomically (temporary file, fsync,
/// rename) after each new command; a file that cannot be read is reported and ignored, a write that fails is
/// reported and the memory goes on in RAM. Read on first use. Not thread-safe: the command loop owns it.
/// </summary>
public sealed class CommandIdMemory(IOptions<CommandOptions> options, IOptions<GatewayOptions> gateway, TimeProvider time, ILogger<CommandIdMemory> logger)
{
    public const string FileName = "command-ids.json";

    private const int FileVersion = 1;

    private readonly int _capacity = options.Value.RememberedIds;
    private readonly TimeSpan _maxAge = TimeSpan.FromHours(options.Value.RememberedIdHours);
    private readonly Dictionary<string, Remembered> _byId = new(StringComparer.Ordinal);
    private readonly LinkedList<Remembered> _order = new();
    private bool _loaded;

    public string FilePath { get; } = Path.Combine(gateway.Value.DataDirectory, FileName);

    /// <summary>The first result of command <paramref name="id"/>, if it is remembered.</summary>
    public CommandResult? Find(string id)
    {
        EnsureLoaded();
        ForgetOld();
        return _byId.TryGetValue(id, out var remembered) ? remembered.Result : null;
    }

    /// <summary>Remembers a command's result (the oldest goes beyond the capacity) and saves the memory.</summary>
    public void Remember(string id, CommandResult result)
    {
        EnsureLoaded();
        ForgetOld();
        Add(new Remembered(id, time.GetUtcNow(), result));
        Save();
    }

    private void Add(Remembered remembered)
    {
        if (_byId.Remove(remembered.Id, out var previous))
        {
            _order.Remove(previous.Node!);
        }

        while (_order.Count >= _capacity)
        {
            _byId.Remove(_order.First!.Value.Id);
            _order.RemoveFirst();
        }

        remembered.Node = _order.AddLast(remembered);
        _byId[remembered.Id] = remembered;
    }

    private void ForgetOld()
    {
        // Either way: the clock of a Pi without RTC may step back as well as forward.
        var now = time.GetUtcNow();
        foreach (var old in _order.Where(r => (now - r.At).Duration() > _maxAge).ToList())
        {
            _byId.Remove(old.Id);
            _order.Remove(old.Node!);
        }
    }

    private void EnsureLoaded()
    {
        if (_loaded)
        {
            return;
        }

        _loaded = true;
        try
        {
            if (!File.Exists(FilePath))
            {
                return;
            }

            // Far beyond what the capacity writes (a result is under 1 KiB): not read into memory.
            var length = new FileInfo(FilePath).Length;
            if (length > (long)_capacity * 8192)
            {
                throw new IOException($"{length} bytes is more than {_capacity} remembered ids can take");
            }

            using var document = JsonDocument.Parse(File.ReadAllBytes(FilePath));
            if (document.RootElement.GetProperty("v").GetInt32() != FileVersion)
            {
                throw new JsonException($"version {document.RootElement.GetProperty("v")} is not {FileVersion}");
            }

            foreach (var entry in document.RootElement.GetProperty("ids").EnumerateArray())
            {
                var id = entry.GetProperty("id").GetString() ?? throw new JsonException("an id is null");
                var result = entry.GetProperty("result");
                var command = result.TryGetProperty("command", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null;
                var error = result.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e.GetProperty("code").GetString() : null;
                var at = DateTimeOffset.Parse(entry.GetProperty("at").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
                Add(new Remembered(id, at, CommandResult.Replay(id, command, error, Encoding.UTF8.GetBytes(result.GetRawText()))));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or KeyNotFoundException or FormatException or ArgumentException)
        {
            // A torn or tampered file must not stop commands: start empty; the next save replaces it.
            _byId.Clear();
            _order.Clear();
            Log.CommandIdsUnreadable(logger, FilePath, ex.Message);
        }
    }

    private void Save()
    {
        try
        {
            DataFile.WriteAtomically(FilePath, Serialize());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.CommandIdsNotSaved(logger, FilePath, ex.Message);
        }
    }

    private ReadOnlySpan<byte> Serialize()
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("v", FileVersion);
            json.WriteStartArray("ids");
            foreach (var remembered in _order)
            {
                json.WriteStartObject();
                json.WriteString("id", remembered.Id);
                json.WriteString("at", EventPayload.FormatTimestamp(remembered.At));
                json.WritePropertyName("result");
                json.WriteRawValue(remembered.Result.Payload);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan;
    }

    private sealed class Remembered(string id, DateTimeOffset at, CommandResult result)
    {
        public string Id { get; } = id;

        public DateTimeOffset At { get; } = at;

        public CommandResult Result { get; } = result;

        public LinkedListNode<Remembered>? Node { get; set; }
    }
}
