using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;

namespace EdgeGateway.Center.Transport;

/// <summary>
/// The console's transport security, the same settings as the gateway's <c>Mqtt:*</c> ones: TLS 1.2+, a pinned CA,
/// a client certificate, a password account from a file. Its own small copy because the center stands alone
/// (LayeringTests: it references no gateway project, and the gateway's copy sits on Core's configuration types).
/// Files are read at every connect, so a renewed certificate or password is picked up by the next reconnect.
/// </summary>
internal static class CenterTransportSecurity
{
    /// <summary>The TLS and login part of the CONNECT options; throws <see cref="InvalidDataException"/> naming the bad file.</summary>
    public static void Configure(MqttClientOptionsBuilder builder, CenterOptions options)
    {
        if (!string.IsNullOrEmpty(options.CredentialsFile))
        {
            var (username, password) = LoadCredentials(options.CredentialsFile);
            builder.WithCredentials(username, password);
        }

        if (!options.UseTls && string.IsNullOrEmpty(options.CaFile) && string.IsNullOrEmpty(options.ClientCertFile))
        {
            return;
        }

        var pinned = string.IsNullOrEmpty(options.CaFile) ? null : LoadCa(options.CaFile);
        var client = string.IsNullOrEmpty(options.ClientCertFile) ? null : LoadClientCertificate(options);
        builder.WithTlsOptions(tls =>
        {
            tls.UseTls().WithSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13).WithTargetHost(options.Host);
            if (pinned is not null)
            {
                tls.WithRevocationMode(X509RevocationMode.NoCheck)
                    .WithCertificateValidationHandler(args => ValidateBroker(args, pinned, options));
            }

            if (client is not null)
            {
                tls.WithClientCertificates([client]);
            }
        });
    }

    /// <summary>Parses <c>username=…</c> / <c>password=…</c> lines (<c>#</c> comments); never echoes a line.</summary>
    public static (string Username, string Password) LoadCredentials(string file)
    {
        string? username = null;
        string? password = null;
        foreach (var line in ReadFile(file, "--credentials-file", File.ReadAllLines).Select(l => l.Trim()))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            switch (equals <= 0 ? "" : line[..equals].Trim())
            {
                case "username":
                    username = line[(equals + 1)..].Trim();
                    break;
                case "password":
                    password = line[(equals + 1)..].Trim();
                    break;
                default:
                    throw new InvalidDataException($"--credentials-file {file}: every line must be username=… or password=…");
            }
        }

        return string.IsNullOrEmpty(username) || password is null
            ? throw new InvalidDataException($"--credentials-file {file}: needs both a username=… and a password=… line")
            : (username, password);
    }

    private static X509Certificate2Collection LoadCa(string file)
    {
        var certificates = new X509Certificate2Collection();
        ReadFile(file, "--ca-file", f => { certificates.ImportFromPemFile(f); return 0; });
        return certificates.Count > 0 ? certificates : throw new InvalidDataException($"--ca-file {file}: no PEM certificate in it");
    }

    private static X509Certificate2 LoadClientCertificate(CenterOptions options) =>
        ReadFile(options.ClientCertFile, "--client-cert/--client-key", f => X509Certificate2.CreateFromPemFile(f, string.IsNullOrEmpty(options.ClientKeyFile) ? null : options.ClientKeyFile));

    private static T ReadFile<T>(string file, string option, Func<string, T> read)
    {
        try
        {
            return read(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new InvalidDataException($"{option} {file}: {ex.Message}", ex);
        }
    }

    /// <summary>Accepts the broker only if it chains to the pinned CA and names the host dialled; throws saying why otherwise.</summary>
    private static bool ValidateBroker(MqttClientCertificateValidationEventArgs args, X509Certificate2Collection pinned, CenterOptions options)
    {
        if (args.Certificate is null)
        {
            throw new BrokerCertificateRejectedException($"broker {options.Host} presented no certificate");
        }

        using var certificate = X509CertificateLoader.LoadCertificate(args.Certificate.GetRawCertData());
        if ((args.SslPolicyErrors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            throw new BrokerCertificateRejectedException($"broker certificate '{certificate.Subject}' does not name '{options.Host}' (--host)");
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(pinned);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate)
            ? true
            : throw new BrokerCertificateRejectedException(
                $"broker certificate '{certificate.Subject}' (issuer '{certificate.Issuer}') is not signed by the CA in --ca-file {options.CaFile}: {string.Join(", ", chain.ChainStatus.Select(s => s.Status).Distinct())}");
    }
}

/// <summary>This console refused the broker's certificate (not the broker the console's certificate).</summary>
internal sealed class BrokerCertificateRejectedException(string message) : AuthenticationException(message);
