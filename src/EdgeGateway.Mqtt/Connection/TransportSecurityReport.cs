using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Mqtt.Connection;

/// <summary>
/// Says at start how the gateway will authenticate to the broker (never the password), and warns in plain words
/// about a client or CA certificate that is expired, not yet valid or about to expire, because the broker's own
/// refusal only reaches the gateway as a failed handshake.
/// </summary>
public sealed partial class TransportSecurityReport(IOptions<MqttOptions> options, TimeProvider time, ILogger<TransportSecurityReport> logger) : IHostedService
{
    /// <summary>A certificate that expires within this is announced at every start.</summary>
    public static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(30);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var mqtt = options.Value;
        if (!mqtt.UseTls)
        {
            return Task.CompletedTask;
        }

        var ca = "system trust store";
        X509Certificate2Collection? pinned = null;
        if (!string.IsNullOrEmpty(mqtt.CaFile))
        {
            pinned = TransportSecurity.LoadCa(mqtt.CaFile);
            ca = $"pinned from {mqtt.CaFile} ({string.Join("; ", pinned.Select(c => c.Subject))})";
            foreach (var certificate in pinned)
            {
                CheckValidity(certificate, "Mqtt:CaFile");
            }
        }

        var client = "none";
        if (!string.IsNullOrEmpty(mqtt.ClientCertFile))
        {
            using var certificate = TransportSecurity.LoadClientCertificate(mqtt.ClientCertFile, mqtt.ClientKeyFile);
            client = $"{certificate.Subject} (until {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd})";
            CheckValidity(certificate, "Mqtt:ClientCertFile");
            if (pinned is not null && !IssuedBy(certificate, pinned))
            {
                ClientCertificateNotFromPinnedCa(logger, certificate.Subject, certificate.Issuer, mqtt.CaFile);
            }
        }

        var credentials = string.IsNullOrEmpty(mqtt.CredentialsFile) ? "none" : $"{TransportSecurity.LoadCredentials(mqtt.CredentialsFile)} from {mqtt.CredentialsFile}";
        TransportSummary(logger, mqtt.Host, mqtt.Port, ca, client, credentials);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void CheckValidity(X509Certificate2 certificate, string key)
    {
        var now = time.GetUtcNow();
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        if (now > notAfter)
        {
            CertificateExpired(logger, key, certificate.Subject, notAfter);
        }
        else if (now < notBefore)
        {
            CertificateNotYetValid(logger, key, certificate.Subject, notBefore);
        }
        else if (notAfter - now < ExpiryWarning)
        {
            CertificateExpiresSoon(logger, key, certificate.Subject, notAfter);
        }
    }

    /// <summary>Whether <paramref name="certificate"/> chains to one of <paramref name="roots"/> (validity dates aside).</summary>
    private bool IssuedBy(X509Certificate2 certificate, X509Certificate2Collection roots)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        chain.ChainPolicy.VerificationTime = time.GetUtcNow().UtcDateTime;
        return chain.Build(certificate);
    }

    [LoggerMessage(4105, LogLevel.Warning, "Mqtt:ClientCertFile: certificate '{Subject}' is issued by '{Issuer}', not by the CA in Mqtt:CaFile ({CaFile}); a center whose broker and gateways share that CA will refuse it")]
    private static partial void ClientCertificateNotFromPinnedCa(ILogger logger, string subject, string issuer, string caFile);

    [LoggerMessage(4101, LogLevel.Information, "MQTT transport: TLS 1.2+ to {Host}:{Port}; broker CA: {Ca}; client certificate: {ClientCertificate}; credentials: {Credentials}")]
    private static partial void TransportSummary(ILogger logger, string host, int port, string ca, string clientCertificate, string credentials);

    [LoggerMessage(4102, LogLevel.Error, "{Key}: certificate '{Subject}' EXPIRED on {NotAfter:u}; the broker will refuse the connection until a renewed certificate is installed")]
    private static partial void CertificateExpired(ILogger logger, string key, string subject, DateTimeOffset notAfter);

    [LoggerMessage(4103, LogLevel.Error, "{Key}: certificate '{Subject}' is not valid before {NotBefore:u}; check the clock (timedatectl) or the certificate")]
    private static partial void CertificateNotYetValid(ILogger logger, string key, string subject, DateTimeOffset notBefore);

    [LoggerMessage(4104, LogLevel.Warning, "{Key}: certificate '{Subject}' expires on {NotAfter:u}; renew it")]
    private static partial void CertificateExpiresSoon(ILogger logger, string key, string subject, DateTimeOffset notAfter);
}
