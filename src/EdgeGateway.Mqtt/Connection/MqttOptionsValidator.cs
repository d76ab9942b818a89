using EdgeGateway.Core.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Mqtt.Connection;

public sealed class MqttOptionsValidator : IValidateOptions<MqttOptions>
{
    public ValidateOptionsResult Validate(string? name, MqttOptions options)
    {
        var errors = new ConfigErrors();
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            errors.Add("Mqtt:Host", "is required");
        }

        if (options.Port is < 1 or > 65535)
        {
            errors.Add("Mqtt:Port", $"{options.Port} is not a TCP port (1-65535)");
        }

        if (options.ProbePort is < 0 or > 65535)
        {
            errors.Add("Mqtt:ProbePort", $"{options.ProbePort} is not a TCP port (1-65535, or 0 for Mqtt:Port)");
        }

        if (options.KeepAliveSeconds is < 1 or > 65535)
        {
            errors.Add("Mqtt:KeepAliveSeconds", $"{options.KeepAliveSeconds} is outside 1-65535");
        }

        if (options.ReconnectDelayMs is < 10 or > 60_000)
        {
            errors.Add("Mqtt:ReconnectDelayMs", $"{options.ReconnectDelayMs} is outside 10-60000");
        }

        if (options.ReconnectMaxDelaySeconds is < 1 or > 3600)
        {
            errors.Add("Mqtt:ReconnectMaxDelaySeconds", $"{options.ReconnectMaxDelaySeconds} is outside 1-3600");
        }

        if (options.ConnectTimeoutSeconds is < 1 or > 300)
        {
            errors.Add("Mqtt:ConnectTimeoutSeconds", $"{options.ConnectTimeoutSeconds} is outside 1-300");
        }

        if (options.ExpeditedConnectMinSeconds is < 1 or > 3600)
        {
            errors.Add("Mqtt:ExpeditedConnectMinSeconds", $"{options.ExpeditedConnectMinSeconds} is outside 1-3600");
        }

        if (options.InFlightWindow is < 1 or > 1000)
        {
            errors.Add("Mqtt:InFlightWindow", $"{options.InFlightWindow} is outside 1-1000");
        }

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

            if (secondary.Port is < 1 or > 65535)
            {
                errors.Add("Mqtt:Secondary:Port", $"{secondary.Port} is not a TCP port (1-65535)");
            }

            if (!options.UseTls && !options.AllowInsecure && !MqttOptions.IsLoopbackHost(secondary.Host) && !string.IsNullOrWhiteSpace(secondary.Host))
            {
                errors.Add("Mqtt:Secondary:Host", $"plaintext MQTT to '{secondary.Host}' is refused; use TLS or set Mqtt:AllowInsecure to true");
            }
        }

        if (options.FailoverAfterSeconds is < 1 or > 86_400)
        {
            errors.Add("Mqtt:FailoverAfterSeconds", $"{options.FailoverAfterSeconds} is outside 1-86400");
        }

        if (options.PrimaryProbeSeconds is < 1 or > 86_400)
        {
            errors.Add("Mqtt:PrimaryProbeSeconds", $"{options.PrimaryProbeSeconds} is outside 1-86400");
        }

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
