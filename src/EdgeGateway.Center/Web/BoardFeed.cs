using System.Text.Json;
using System.Threading.Channels;
using EdgeGateway.Center.History;

namespace EdgeGateway.Center.Web;

/// <summary>
/// Tells every open page that the board changed. Each page has a one-slot signal, so a storm of messages costs a page
/// one snapshot per write it can take, not one per message; the snapshot is built once per change for all pages.
/// </summary>
public sealed class BoardFeed
{
    private readonly CenterConsole _center;
    private readonly AlarmHistory _history;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly List<Channel<bool>> _pages = [];
    private long _version;
    private (long Version, byte[] Json)? _cached;

    public BoardFeed(CenterConsole center, AlarmHistory history, TimeProvider time)
    {
        _center = center;
        _history = history;
        _time = time;
        center.Received += (m, _) => { if (!m.IsTelemetry) { Changed(); } };
        center.Acknowledged += (_, _) => Changed();
        center.StatusChanged += (_, _) => Changed();
        center.HealthReceived += (_, _) => Changed();
        center.GapDetected += (_, _, _) => Changed();
        center.GatewaySilent += _ => Changed();
        center.GatewayHeardAgain += (_, _) => Changed();
        center.Connected += Changed;
        center.ConnectionLost += _ => Changed();
    }

    /// <summary>Pages open now.</summary>
    public int Pages
    {
        get
        {
            lock (_lock)
            {
                return _pages.Count;
            }
        }
    }

    /// <summary>The board as JSON, built at most once per change.</summary>
    public byte[] Snapshot()
    {
        lock (_lock)
        {
            if (_cached is { } cached && cached.Version == _version)
            {
                return cached.Json;
            }

            var json = JsonSerializer.SerializeToUtf8Bytes(BoardSnapshot.Take(_center, _history, _time), BoardJson.Options);
            _cached = (_version, json);
            return json;
        }
    }

    /// <summary>A page opened: it reads a signal whenever the board changed since its last read. Dispose when it closes.</summary>
    public Subscription Subscribe()
    {
        var signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        lock (_lock)
        {
            _pages.Add(signal);
        }

        return new Subscription(this, signal);
    }

    /// <summary>Something the page shows changed (also called for what the console's events do not cover, e.g. a clock tick).</summary>
    public void Changed()
    {
        Channel<bool>[] pages;
        lock (_lock)
        {
            _version++;
            pages = [.. _pages];
        }

        foreach (var page in pages)
        {
            page.Writer.TryWrite(true);
        }
    }

    private void Unsubscribe(Channel<bool> signal)
    {
        lock (_lock)
        {
            _pages.Remove(signal);
        }
    }

    public sealed class Subscription(BoardFeed feed, Channel<bool> signal) : IDisposable
    {
        public ChannelReader<bool> Changes => signal.Reader;

        public void Dispose() => feed.Unsubscribe(signal);
    }
}
