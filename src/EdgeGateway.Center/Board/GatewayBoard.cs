using System.Text.Json;
using EdgeGateway.Center.Acks;

namespace EdgeGateway.Center.Board;

/// <summary>
/// What the console knows of each gateway it has heard of: its retained status, last health and last alarm, with the
/// alarms still awaiting an ack from the <see cref="AlarmLedger"/>. Thread-safe.
/// </summary>
internal sealed class GatewayBoard(AlarmLedger alarms)
{
    private readonly Dictionary<string, GatewayState> _gateways = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>One entry per gateway heard of, by <c>site/gateway</c>.</summary>
    public IReadOnlyList<GatewayBoardEntry> Entries()
    {
        lock (_lock)
        {
            return [.. _gateways.Keys.Order(StringComparer.Ordinal).Select(EntryOf)];
        }
    }

    /// <summary>The line of <paramref name="gateway"/>, or null if the board has not heard of it.</summary>
    public GatewayBoardEntry? Entry(string gateway)
    {
        lock (_lock)
        {
            return _gateways.ContainsKey(gateway) ? EntryOf(gateway) : null;
        }
    }

    /// <summary>
    /// Applies a retained status payload received at <paramref name="receivedAt"/>; returns the gateway's new line, or
    /// null for an empty payload (a cleared status: the gateway was decommissioned) or one that is not a status.
    /// </summary>
    public GatewayBoardEntry? ApplyStatus(string gateway, byte[] payload, DateTimeOffset receivedAt)
    {
        if (payload.Length == 0)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(payload);
            var status = doc.RootElement;
            lock (_lock)
            {
                var state = StateOf(gateway);
                state.Online = status.GetProperty("state").GetString() == "online";
                state.OfflineReason = state.Online == true ? null : status.TryGetProperty("reason", out var reason) ? reason.GetString() : null;
                state.Boot = status.TryGetProperty("boot", out var boot) ? boot.GetString() : state.Boot;
                state.StatusChangedAt = receivedAt;
                return EntryOf(gateway);
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return null;
        }
    }

    public void ApplyHealth(string gateway, GatewayHealth health)
    {
        lock (_lock)
        {
            StateOf(gateway).Health = health;
        }
    }

    /// <summary>A new alarm, event or reading arrived: the board now knows its gateway, and its last alarm.</summary>
    public void ApplyArrival(CenterMessage message)
    {
        lock (_lock)
        {
            var state = StateOf(message.GatewayKey);
            if (message.IsAlarm)
            {
                state.LastAlarm = message;
            }
        }
    }

    private GatewayState StateOf(string gateway)
    {
        if (!_gateways.TryGetValue(gateway, out var state))
        {
            _gateways[gateway] = state = new GatewayState();
        }

        return state;
    }

    private GatewayBoardEntry EntryOf(string gateway)
    {
        var state = _gateways[gateway];
        return new GatewayBoardEntry(
            gateway, state.Online, state.OfflineReason, state.Boot, state.StatusChangedAt, state.Health, state.LastAlarm, alarms.AwaitingAck(gateway));
    }

    private sealed class GatewayState
    {
        public bool? Online { get; set; }

        public string? OfflineReason { get; set; }

        public string? Boot { get; set; }

        public DateTimeOffset? StatusChangedAt { get; set; }

        public GatewayHealth? Health { get; set; }

        public CenterMessage? LastAlarm { get; set; }
    }
}
