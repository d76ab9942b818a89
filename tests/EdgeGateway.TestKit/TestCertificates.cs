using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeGateway.TestKit;

/// <summary>A PEM certificate and key written to disk.</summary>
public sealed record PemPair(string CertFile, string KeyFile);

/// <summary>
/// A throwaway PKI made with <see cref="CertificateRequest"/>: a CA, a server certificate for 127.0.0.1/localhost and
/// client certificates, written as PEM files readable by the <c>mosquitto</c> user (a broker started as root drops to it).
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly X509Certificate2 _ca;
    private readonly DateTimeOffset _now;
    private readonly CertificateRevocationListBuilder _revoked = new();
    private long _crlNumber;

    public TestCertificates(string directory, string caName, DateTimeOffset now)
    {
        Directory = directory;
        _now = now;
        System.IO.Directory.CreateDirectory(directory);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={caName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        _ca = request.CreateSelfSigned(now.AddDays(-365), now.AddYears(5));
        CaFile = Path.Combine(directory, $"{caName}.crt");
        File.WriteAllText(CaFile, _ca.ExportCertificatePem());
        MakeReadable(directory, CaFile);
    }

    public string Directory { get; }

    public string CaFile { get; }

    /// <summary>The CA's PEM revocation list (<see cref="WriteCrl"/>), as Mosquitto's <c>crlfile</c> reads it.</summary>
    public string CrlFile => Path.Combine(Directory, "crl.pem");

    /// <summary>A server certificate for <c>127.0.0.1</c> and <c>localhost</c>.</summary>
    public PemPair Server(string name = "server") => Issue(name, name, server: true, _now.AddDays(-1), _now.AddYears(1));

    /// <summary>A client certificate with CN <paramref name="commonName"/>, valid now unless <paramref name="expired"/>.</summary>
    public PemPair Client(string name, string commonName, bool expired = false) =>
        expired ? Issue(name, commonName, server: false, _now.AddDays(-30), _now.AddDays(-1)) : Issue(name, commonName, server: false, _now.AddDays(-1), _now.AddYears(1));

    /// <summary>Adds <paramref name="certificate"/> to the revocation list and writes the list again (<see cref="CrlFile"/>).</summary>
    public void Revoke(PemPair certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var issued = X509Certificate2.CreateFromPem(File.ReadAllText(certificate.CertFile));
        _revoked.AddEntry(issued, _now, X509RevocationReason.KeyCompromise);
        WriteCrl();
    }

    /// <summary>The CA's revocation list, valid for a week: an empty one until <see cref="Revoke"/>.</summary>
    public void WriteCrl()
    {
        var crl = _revoked.Build(_ca, ++_crlNumber, _now.AddDays(7), HashAlgorithmName.SHA256, thisUpdate: _now.AddMinutes(-5));
        File.WriteAllText(CrlFile, PemEncoding.WriteString("X509 CRL", crl));
        MakeReadable(Directory, CrlFile);
    }

    public void Dispose() => _ca.Dispose();

    private PemPair Issue(string name, string commonName, bool server, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        // Built, not parsed: a gateway's CN contains '/'.
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(commonName);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [server ? new Oid("1.3.6.1.5.5.7.3.1") : new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_ca, true, false));
        if (server)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            san.AddDnsName("localhost");
            request.CertificateExtensions.Add(san.Build());
        }

        var serial = new byte[12];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        using var certificate = request.Create(_ca, notBefore, notAfter, serial);
        var pair = new PemPair(Path.Combine(Directory, $"{name}.crt"), Path.Combine(Directory, $"{name}.key"));
        File.WriteAllText(pair.CertFile, certificate.ExportCertificatePem());
        File.WriteAllText(pair.KeyFile, key.ExportPkcs8PrivateKeyPem());
        MakeReadable(Directory, pair.CertFile, pair.KeyFile);
        return pair;
    }

    /// <summary>Test keys only: readable by the broker's unprivileged user.</summary>
    public static void MakeReadable(string directory, params string[] files)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        foreach (var file in files)
        {
            File.SetUnixFileMode(file, (UnixFileMode)0b110_100_100);
        }
    }
}
