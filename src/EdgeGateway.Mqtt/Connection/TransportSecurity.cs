using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using EdgeGateway.Core.Configuration;
using MQTTnet;

namespace EdgeGateway.Mqtt.Connection;

/// <summary>The broker account, read from <c>Mqtt:CredentialsFile</c>. <see cref="ToString"/> never shows the password.</summary>
public sealed class MqttCredentials(string username, string password)
{
    public string Username { get; } = username;

    public string Password { get; } = password;

    public override string ToString() => $"user {Username}";
}

/// <summary>
/// Transport security files: the pinned CA, the client certificate and key, the credentials file. Read at every
/// connect (so a renewed certificate is picked up by the next reconnect) and checked once at start by the validator.
/// </summary>
public static class TransportSecurity
{
    /// <summary>TLS 1.2 or newer; older versions are never offered.</summary>
    public const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>The CA certificates (one or more PEM blocks) in <paramref name="file"/>.</summary>
    public static X509Certificate2Collection LoadCa(string file)
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPemFile(file);
        if (certificates.Count == 0)
        {
            throw new InvalidDataException("no PEM certificate in the file");
        }

        return certificates;
    }

    /// <summary>The client certificate with its private key (PEM files; the key may come from a systemd credential).</summary>
    public static X509Certificate2 LoadClientCertificate(string certFile, string keyFile) =>
        X509Certificate2.CreateFromPemFile(certFile, CredentialPath.Resolve(keyFile));

    /// <summary>Parses <c>username=…</c> / <c>password=…</c> lines; throws <see cref="InvalidDataException"/> naming what is missing.</summary>
    public static MqttCredentials LoadCredentials(string file)
    {
        string? username = null;
        string? password = null;
        foreach (var raw in File.ReadAllLines(CredentialPath.Resolve(file)))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                // Never echo the line: it may be a password.
                throw new InvalidDataException("a line is not key=value (expected username=… and password=…)");
            }

            var key = line[..equals].Trim();
            var value = line[(equals + 1)..].Trim();
            switch (key)
            {
                case "username":
                    username = value;
                    break;
                case "password":
                    password = value;
                    break;
                default:
                    throw new InvalidDataException($"unknown key '{key}' (expected username and password)");
            }
        }

        if (string.IsNullOrEmpty(username) || password is null)
        {
            throw new InvalidDataException("needs both a username=… and a password=… line");
        }

        return new MqttCredentials(username, password);
    }

    /// <summary>
    /// Accepts the broker's certificate only if it chains to one of <paramref name="pinned"/> (not the system store),
    /// is in its validity period and names the host the gateway dialled. Throws with the reason otherwise, so the
    /// reconnect log says why ("not issued by the CA in Mqtt:CaFile") instead of a bare handshake failure.
    /// </summary>
    public static bool ValidateBroker(MqttClientCertificateValidationEventArgs args, X509Certificate2Collection pinned, string caFile, string host)
    {
        if (args.Certificate is null || (args.SslPolicyErrors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            throw new AuthenticationException($"broker {host} presented no certificate");
        }

        using var certificate = X509CertificateLoader.LoadCertificate(args.Certificate.GetRawCertData());
        if ((args.SslPolicyErrors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            throw new AuthenticationException($"broker certificate '{certificate.Subject}' does not name '{host}' (Mqtt:Host)");
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(pinned);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (args.Chain is not null)
        {
            foreach (var element in args.Chain.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        if (chain.Build(certificate))
        {
            return true;
        }

        var problems = string.Join(", ", chain.ChainStatus.Select(s => s.Status).Distinct());
        throw new AuthenticationException(
            $"broker certificate '{certificate.Subject}' (issuer '{certificate.Issuer}') rejected: {problems}; it is not signed by the CA pinned in Mqtt:CaFile ({caFile})");
    }

    /// <summary>The TLS part of the CONNECT options: TLS 1.2+, pinned CA, optional client certificate.</summary>
    public static void Configure(MqttClientTlsOptionsBuilder tls, MqttOptions options)
    {
        tls.UseTls(options.UseTls);
        if (!options.UseTls)
        {
            return;
        }

        tls.WithSslProtocols(Protocols).WithTargetHost(options.Host);
        if (!string.IsNullOrEmpty(options.CaFile))
        {
            var pinned = LoadCa(options.CaFile);
            var caFile = options.CaFile;
            var host = options.Host;
            tls.WithRevocationMode(X509RevocationMode.NoCheck)
                .WithCertificateValidationHandler(args => ValidateBroker(args, pinned, caFile, host));
        }

        if (!string.IsNullOrEmpty(options.ClientCertFile))
        {
            tls.WithClientCertificates([LoadClientCertificate(options.ClientCertFile, options.ClientKeyFile)]);
        }
    }
}
