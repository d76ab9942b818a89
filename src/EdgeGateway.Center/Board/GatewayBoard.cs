using System.Text.Json;
using EdgeGateway.Center.Acks;
using EdgeGateway.Center.Gaps;

namespace EdgeGateway.Center.Board;

/// <summary>
/// What the console knows of each gateway it has heard of: its retained status, last health and last alarm, when it
/// was last heard (supervision: silent after <paramref name="reportingTime"/>), with the alarms still awaiting an ack
/// from the <see cref="AlarmLedger"/> and the missing seqs from the <see cref="SeqGapDetector"/>. Thread-safe.
/// </summary>
internal sealed class GatewayBoard(AlarmLedger alarms, SeqGapDetector seqs, TimeProvider time, TimeSpan reportingTime)
{
    private readonly Dictionary<string, GatewayState> _gateways = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>A gateway the board had reported silent was heard again: its line, and how long it had been silent.</summary>
    public event Action<GatewayBoardEntry, TimeSpan>? HeardAgain;

    public TimeSpan ReportingTime => reportingTime;

    /// <summary>One entry per gateway heard of, by <c>site/gateway</c>.</summary>
    public IReadOnlyList<GatewayBoardEntry> Entries()
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            return [.. _gateways.Keys.Order(StringComparer.Ordinal).Select(g => EntryOf(g, now))];
        }
    }

    /// <summary>The line of <paramref name="gateway"/>, or null if the board has not heard of it.</summary>
    public GatewayBoardEntry? Entry(string gateway)
    {
        lock (_lock)
        {
            return _gateways.ContainsKey(gateway) ? EntryOf(gateway, time.GetUtcNow()) : null;
        }
    }

    /// <summary>
    /// Applies a retained status payload received now; returns the gateway's new line, or null for an empty payload
    /// (a cleared status: the gateway was decommissioned) or one that is not a status.
    /// </summary>
    public GatewayBoardEntry? ApplyStatus(string gateway, byte[] payload)
    {
        if (payload.Length == 0)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(payload);
            var status = doc.RootElement;
            var online = status.GetProperty("state").GetString() == "online";
            var reason = online ? null : status.TryGetProperty("reason", out var r) ? r.GetString() : null;
            var boot = status.TryGetProperty("boot", out var b) ? b.GetString() : null;
            // The will is the broker speaking for a gateway it lost: that is not hearing the gateway.
            return Update(gateway, heard: reason != "connection-lost", state =>
            {
                state.Online = online;
                state.OfflineReason = reason;
                state.Boot = boot ?? state.Boot;
                state.StatusChangedAt = time.GetUtcNow();
            });
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return null;
        }
    }

    public void ApplyHealth(string gateway, GatewayHealth health) => Update(gateway, heard: true, state => state.Health = health);

    /// <summary>A new alarm, event or reading arrived: the gateway was heard, and this may be its last alarm.</summary>
    public void ApplyArrival(CenterMessage message) => Update(message.GatewayKey, heard: true, state =>
    {
        if (message.IsAlarm)
        {
            state.LastAlarm = message;
        }
    });

    /// <summary>
    /// The gateways that have turned silent since the last call (each reported once, until heard again): not heard for
    /// longer than the reporting time and not shut down.
    /// </summary>
    public IReadOnlyList<GatewayBoardEntry> NewlySilent()
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            var silent = new List<GatewayBoardEntry>();
            foreach (var (gateway, state) in _gateways)
            {
                if (!state.ReportedSilent && ReachabilityOf(state, now) == GatewayReachability.Silent)
                {
                    state.ReportedSilent = true;
                    silent.Add(EntryOf(gateway, now));
                }
            }

            return silent;
        }
    }

    private GatewayBoardEntry Update(string gateway, bool heard, Action<GatewayState> apply)
    {
        GatewayBoardEntry entry;
        TimeSpan? silentFor = null;
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (!_gateways.TryGetValue(gateway, out var state))
            {
                _gateways[gateway] = state = new GatewayState { KnownSince = now };
            }

            apply(state);
            if (heard)
            {
                if (state.ReportedSilent)
                {
                    silentFor = now - (state.LastHeardAt ?? state.KnownSince);
                    state.ReportedSilent = false;
                }

                state.LastHeardAt = now;
            }

            entry = EntryOf(gateway, now);
        }

        if (silentFor is { } duration)
        {
            HeardAgain?.Invoke(entry, duration);
        }

        return entry;
    }

    private GatewayReachability ReachabilityOf(GatewayState state, DateTimeOffset now)
    {
        if (state.Online == false && state.OfflineReason == "shutdown")
        {
            return GatewayReachability.Offline;
        }

        if (now - (state.LastHeardAt ?? state.KnownSince) > reportingTime)
        {
            return GatewayReachability.Silent;
        }

        return state.Online == false ? GatewayReachability.Offline : GatewayReachability.Online;
    }

    private GatewayBoardEntry EntryOf(string gateway, DateTimeOffset now)
    {
        var state = _gateways[gateway];
        return new GatewayBoardEntry(
            gateway, state.Online, state.OfflineReason, state.Boot, state.StatusChangedAt, state.Health, state.LastAlarm, alarms.AwaitingAck(gateway),
            ReachabilityOf(state, now), state.LastHeardAt, seqs.Missing(gateway));
    }

    private sealed class GatewayState
    {
        public bool? Online { get; set; }

        public string? OfflineReason { get; set; }

        public string? Boot { get; set; }

        public DateTimeOffset? StatusChangedAt { get; set; }

        public GatewayHealth? Health { get; set; }

        public CenterMessage? LastAlarm { get; set; }

        /// <summary>When the board first heard of it (also from its will): how long "never heard" has lasted.</summary>
        public DateTimeOffset KnownSince { get; init; }

        public DateTimeOffset? LastHeardAt { get; set; }

        /// <summary>Its silence has been reported (once per silence).</summary>
        public bool ReportedSilent { get; set; }
    }
}
