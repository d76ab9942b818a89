namespace EdgeGateway.Core.Downlink.Commands;

/// <summary>
/// Whether a command is recent enough to run (docs/mqtt-contract.md, "Freshness"). Two proofs count: the MQTT 5
/// message expiry the broker delivered it with (the broker's clock; at most <c>Commands:MaxAgeSeconds</c>), and, while
/// this gateway's clock is synchronised, its <c>ts</c> within <c>MaxAgeSeconds</c> either way. A synchronised clock
/// that says the command is old refuses it whatever its expiry. With neither proof (no expiry, clock not synchronised)
/// only the commands that cannot hide an alarm run: <c>status</c> and <c>test-mode</c> off; the rest are <c>stale</c>.
/// </summary>
internal static class CommandFreshness
{
    /// <summary>Null when the command may run; otherwise why it is stale.</summary>
    public static string? Problem(CommandRequest request, ReceivedCommand delivery, bool clockSynchronized, DateTimeOffset now, int maxAgeSeconds)
    {
        if (clockSynchronized)
        {
            var age = now - request.IssuedAt;
            return age.Duration() > TimeSpan.FromSeconds(maxAgeSeconds)
                ? $"issued {(long)age.TotalSeconds} s ago by this gateway's clock; at most {maxAgeSeconds} s either way (Commands:MaxAgeSeconds)"
                : null;
        }

        if (delivery.ExpirySeconds is > 0 && delivery.ExpirySeconds <= maxAgeSeconds)
        {
            return null;
        }

        if (CannotHideAnAlarm(request))
        {
            return null;
        }

        return delivery.ExpirySeconds > maxAgeSeconds
            ? $"its message expiry ({delivery.ExpirySeconds} s) is longer than Commands:MaxAgeSeconds ({maxAgeSeconds} s) and this gateway's clock is not synchronised, so its age cannot be known"
            : $"it has no message expiry and this gateway's clock is not synchronised, so its age cannot be known (the center must set the MQTT 5 message expiry, at most {maxAgeSeconds} s)";
    }

    private static bool CannotHideAnAlarm(CommandRequest request) =>
        request.Command == "status"
        || (request.Command == "test-mode" && request.TryGetBoolean("on", out var on, out _) && on == false);
}
