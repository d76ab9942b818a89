using System.Diagnostics;
using EdgeGateway.Mqtt.Connection;
using EdgeGateway.TestKit;
using MQTTnet;

namespace EdgeGateway.IntegrationTests;

/// <summary>
/// Mosquitto as the county center runs it (deploy/mosquitto): TLS 1.2+, client certificates required, a password per
/// school and the repository's ACL file; certificates are made in the test.
/// </summary>
public sealed class SecureBroker : IAsyncDisposable
{
    public const string Site = "test-school";
    public const string SitePassword = "site-pass-9f3c";
    public const string CenterPassword = "center-pass-41ab";

    private SecureBroker(string directory, TestCertificates pki, MosquittoBroker broker)
    {
        Directory = directory;
        Pki = pki;
        Broker = broker;
    }

    public string Directory { get; }

    public TestCertificates Pki { get; }

    public MosquittoBroker Broker { get; }

    public int Port => Broker.Port;

    public static async Task<SecureBroker> StartAsync()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("secure-broker-").FullName;
        var pki = new TestCertificates(directory, "county-center-ca", TimeProvider.System.GetUtcNow());
        var server = pki.Server();
        var passwords = Path.Combine(directory, "passwd");
        await RunAsync("mosquitto_passwd", "-b", "-c", passwords, "center", CenterPassword);
        await RunAsync("mosquitto_passwd", "-b", passwords, Site, SitePassword);
        await RunAsync("mosquitto_passwd", "-b", passwords, "other-school", SitePassword);
        var acl = Path.Combine(directory, "acl");
        File.Copy(Path.Combine(RepositoryRoot, "deploy", "mosquitto", "acl"), acl);
        TestCertificates.MakeReadable(directory, passwords, acl);
        var broker = await MosquittoBroker.StartAsync(
        [
            $"cafile {pki.CaFile}",
            $"certfile {server.CertFile}",
            $"keyfile {server.KeyFile}",
            "tls_version tlsv1.2",
            "require_certificate true",
            "use_identity_as_username false",
            $"password_file {passwords}",
            $"acl_file {acl}",
        ], allowAnonymous: false);
        return new SecureBroker(directory, pki, broker);
    }

    public static string RepositoryRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "EdgeGateway.sln")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException("EdgeGateway.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>A credentials file in the gateway's format.</summary>
    public string WriteCredentials(string name, string username, string password)
    {
        var file = Path.Combine(Directory, name);
        File.WriteAllText(file, $"# broker account\nusername={username}\npassword={password}\n");
        return file;
    }

    /// <summary>TLS (pinned CA, client certificate) and credentials for a plain MQTTnet client.</summary>
    public Action<MqttClientOptionsBuilder> Client(PemPair certificate, string username, string password) => builder => builder
        .WithTlsOptions(tls => TransportSecurity.Configure(tls, new MqttOptions
        {
            Host = "127.0.0.1",
            Port = Port,
            CaFile = Pki.CaFile,
            ClientCertFile = certificate.CertFile,
            ClientKeyFile = certificate.KeyFile,
        }))
        .WithCredentials(username, password);

    public async ValueTask DisposeAsync()
    {
        await Broker.DisposeAsync();
        Pki.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true, UseShellExecute = false })
            ?? throw new InvalidOperationException($"{program} did not start");
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} failed: {await process.StandardError.ReadToEndAsync()}");
    }
}
