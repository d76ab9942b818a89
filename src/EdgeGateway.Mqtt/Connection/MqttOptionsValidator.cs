using EdgeGateway.Core.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Mqtt.Connection;

public sealed class MqttOptionsValidator : IValidateOptions<MqttOptions>
{
    /// <summary>1.5 x 30 s = 45 s to a lost-path report at the center, half the EN 50136 T5 budget of 90 s.</summary>
    public const int MaxKeepAliveSeconds = 30;

    public const uint MinSessionExpirySeconds = 60;

    /// <summary>30 days.</summary>
    public const uint MaxSessionExpirySeconds = 30 * 86_400;

    public ValidateOptionsResult Validate(string? name, MqttOptions options)
    {
        var errors = new ConfigErrors();
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            errors.Add("Mqtt:Host", "is required");
        }

        errors.RequireRange("Mqtt:Port", options.Port, 1, 65535, "a TCP port");
        errors.RequireRange("Mqtt:ProbePort", options.ProbePort, 0, 65535, "a TCP port, or 0 for Mqtt:Port");
        errors.RequireRange("Mqtt:KeepAliveSeconds", options.KeepAliveSeconds, 1, MaxKeepAliveSeconds,
            "the broker reports a silent gateway after 1.5 x this, within EN 50136 T5 (90 s); a PUBACK waits half of it, at most half the unit's WatchdogSec=30");
        errors.RequireRange("Mqtt:SessionExpirySeconds", options.SessionExpirySeconds, MinSessionExpirySeconds, MaxSessionExpirySeconds,
            "shorter loses the center's acks queued during a reconnect; after 30 days away unacknowledged alarms are published again anyway");
        errors.RequireRange("Mqtt:ReconnectDelayMs", options.ReconnectDelayMs, 10, Math.Min(60_000, options.ReconnectMaxDelaySeconds * 1000L),
            "at most Mqtt:ReconnectMaxDelaySeconds");
        errors.RequireRange("Mqtt:ReconnectMaxDelaySeconds", options.ReconnectMaxDelaySeconds, 1, 3600);
        errors.RequireRange("Mqtt:ConnectTimeoutSeconds", options.ConnectTimeoutSeconds, 1, 300);
        errors.RequireRange("Mqtt:ExpeditedConnectMinSeconds", options.ExpeditedConnectMinSeconds, 1, 3600);
        errors.RequireRange("Mqtt:InFlightWindow", options.InFlightWindow, 1, 1000);

        if (!options.UseTls && !options.AllowInsecure && !options.IsLoopback && !string.IsNullOrWhiteSpace(options.Host))
        {
            errors.Add("Mqtt:UseTls", $"plaintext MQTT to '{options.Host}' is refused; use TLS or set Mqtt:AllowInsecure to true");
        }

        if (options.Secondary is { } secondary)
        {
            if (string.IsNullOrWhiteSpace(secondary.Host))
            {
                errors.Add("Mqtt:Secondary:Host", "is required when Mqtt:Secondary is set");
            }

            errors.RequireRange("Mqtt:Secondary:Port", secondary.Port, 1, 65535, "a TCP port");

            if (!options.UseTls && !options.AllowInsecure && !MqttOptions.IsLoopbackHost(secondary.Host) && !string.IsNullOrWhiteSpace(secondary.Host))
            {
                errors.Add("Mqtt:Secondary:Host", $"plaintext MQTT to '{secondary.Host}' is refused; use TLS or set Mqtt:AllowInsecure to true");
            }
        }

        errors.RequireRange("Mqtt:FailoverAfterSeconds", options.FailoverAfterSeconds, 1, 86_400);
        errors.RequireRange("Mqtt:PrimaryProbeSeconds", options.PrimaryProbeSeconds, 1, 86_400);

        ValidateTransportSecurity(options, errors);
        return errors.ToResult();
    }

    /// <summary>The CA, client certificate and credentials files exist and parse; messages never contain their contents.</summary>
    private static void ValidateTransportSecurity(MqttOptions options, ConfigErrors errors)
    {
        if (!string.IsNullOrEmpty(options.CaFile))
        {
            if (!options.UseTls)
            {
                errors.Add("Mqtt:CaFile", "is set but Mqtt:UseTls is false");
            }

            Check(errors, "Mqtt:CaFile", options.CaFile, () => TransportSecurity.LoadCa(options.CaFile));
        }

        var hasCert = !string.IsNullOrEmpty(options.ClientCertFile);
        var hasKey = !string.IsNullOrEmpty(options.ClientKeyFile);
        if (hasCert != hasKey)
        {
            errors.Add(hasCert ? "Mqtt:ClientKeyFile" : "Mqtt:ClientCertFile", $"is required when {(hasCert ? "Mqtt:ClientCertFile" : "Mqtt:ClientKeyFile")} is set");
        }
        else if (hasCert)
        {
            if (!options.UseTls)
            {
                errors.Add("Mqtt:ClientCertFile", "is set but Mqtt:UseTls is false");
            }

            Check(errors, "Mqtt:ClientCertFile", options.ClientCertFile, () => TransportSecurity.LoadClientCertificate(options.ClientCertFile, options.ClientKeyFile).Dispose());
        }

        if (!string.IsNullOrEmpty(options.CredentialsFile))
        {
            Check(errors, "Mqtt:CredentialsFile", options.CredentialsFile, () => TransportSecurity.LoadCredentials(options.CredentialsFile));
        }
    }

    private static void Check(ConfigErrors errors, string key, string path, Action load)
    {
        try
        {
            load();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            // InvalidDataException is an IOException; messages name the problem, never the secret.
            errors.Add(key, $"'{path}': {ex.Message}");
        }
    }
}
