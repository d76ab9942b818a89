using System.Diagnostics;
using EdgeGateway.Mqtt.Connection;
using EdgeGateway.TestKit;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeGateway.IntegrationTests;

/// <summary>
/// Mosquitto as the county center runs it: the shipped deploy/mosquitto/mosquitto.conf, rendered with this test's
/// files and free loopback ports (it fails when the shipped file no longer has a line it renders), and the shipped ACL.
/// Certificates and the revocation list are made in the test; the password file holds the center account only.
/// </summary>
public sealed class SecureBroker : IAsyncDisposable
{
    public const string Site = "test-school";
    public const string CenterPassword = "center-pass-41ab";

    private SecureBroker(string directory, TestCertificates pki, MosquittoBroker broker, int checkPort, int centerPort)
    {
        Directory = directory;
        Pki = pki;
        Broker = broker;
        CheckPort = checkPort;
        CenterPort = centerPort;
    }

    public string Directory { get; }

    public TestCertificates Pki { get; }

    public MosquittoBroker Broker { get; }

    /// <summary>The gateway listener (8883 in the shipped file): the certificate's CN is user name and client id.</summary>
    public int Port => Broker.Port;

    /// <summary>The check listener (8884) for selftest and the failback probe: the certificate's subject is the name.</summary>
    public int CheckPort { get; }

    /// <summary>The center consoles' listener (8885): certificate and password account.</summary>
    public int CenterPort { get; }

    /// <summary>The identity the county issues a gateway of this test's site: its certificate's CN.</summary>
    public static string Identity(string gateway) => $"{Site}/{gateway}";

    public static async Task<SecureBroker> StartAsync()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("secure-broker-").FullName;
        var pki = new TestCertificates(directory, "county-center-ca", TimeProvider.System.GetUtcNow());
        var server = pki.Server();
        pki.WriteCrl();
        var passwords = Path.Combine(directory, "passwd");
        await RunAsync("mosquitto_passwd", "-b", "-c", passwords, "center", CenterPassword);
        var acl = Path.Combine(directory, "acl");
        File.Copy(Path.Combine(RepositoryRoot, "deploy", "mosquitto", "acl"), acl);
        TestCertificates.MakeReadable(directory, passwords, acl);
        var (gatewayPort, checkPort, centerPort) = (FreePort.Next(), FreePort.Next(), FreePort.Next());
        var config = Render(File.ReadAllText(Path.Combine(RepositoryRoot, "deploy", "mosquitto", "mosquitto.conf")), new Dictionary<string, string>
        {
            ["/etc/mosquitto/edge-gateway/ca.crt"] = pki.CaFile,
            ["/etc/mosquitto/edge-gateway/server.crt"] = server.CertFile,
            ["/etc/mosquitto/edge-gateway/server.key"] = server.KeyFile,
            ["/etc/mosquitto/edge-gateway/crl.pem"] = pki.CrlFile,
            ["/etc/mosquitto/edge-gateway/passwd"] = passwords,
            ["/etc/mosquitto/edge-gateway/acl"] = acl,
            ["listener 8883\n"] = $"listener {gatewayPort} 127.0.0.1\n",
            ["listener 8884\n"] = $"listener {checkPort} 127.0.0.1\n",
            ["listener 8885\n"] = $"listener {centerPort} 127.0.0.1\n",
        });
        var broker = await MosquittoBroker.StartAsync([gatewayPort, checkPort, centerPort], config);
        return new SecureBroker(directory, pki, broker, checkPort, centerPort);
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

    /// <summary>The gateway's certificate as the county issues it: CN = <see cref="Identity"/>.</summary>
    public PemPair GatewayCertificate(string gateway, bool expired = false) =>
        Pki.Client($"{Site}-{gateway}", Identity(gateway), expired);

    /// <summary>A credentials file in the gateway's format.</summary>
    public string WriteCredentials(string name, string username, string password)
    {
        var file = Path.Combine(Directory, name);
        File.WriteAllText(file, $"# broker account\nusername={username}\npassword={password}\n");
        return file;
    }

    /// <summary>TLS (pinned CA, client certificate) and, when given, credentials for a plain MQTTnet client.</summary>
    public Action<MqttClientOptionsBuilder> Client(PemPair certificate, string? username = null, string? password = null) => builder =>
    {
        builder.WithTlsOptions(tls => TransportSecurity.Configure(tls, new MqttOptions
        {
            Host = "127.0.0.1",
            Port = Port,
            CaFile = Pki.CaFile,
            ClientCertFile = certificate.CertFile,
            ClientKeyFile = certificate.KeyFile,
        }));
        if (username is not null)
        {
            builder.WithCredentials(username, password);
        }
    };

    /// <summary>
    /// A plain MQTT 5 client with <paramref name="certificate"/> asking for <paramref name="clientId"/> on
    /// <paramref name="port"/> (default the gateway listener); throws when the broker refuses it.
    /// </summary>
    public async Task<IMqttClient> ConnectAsync(PemPair certificate, string clientId, int? port = null, bool cleanStart = true, string? username = null, string? password = null)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port ?? Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(clientId)
            .WithCleanStart(cleanStart)
            .WithTimeout(TimeSpan.FromSeconds(5));
        Client(certificate, username, password)(options);
        try
        {
            var result = await client.ConnectAsync(options.Build());
            Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>"accepted", or how the broker refused a QoS 1 publish: its PUBACK reason code, or dropping the connection.</summary>
    public static async Task<string> TryPublishAsync(IMqttClient client, string topic, string payload)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
            var result = await client.PublishAsync(message);
            return result.ReasonCode is MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers ? "accepted" : result.ReasonCode.ToString();
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
        {
            return "disconnected: " + ex.Message;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Broker.DisposeAsync();
        Pki.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    /// <summary>The shipped file with each key replaced by its value; every key must occur, so a changed file fails here.</summary>
    private static string Render(string shipped, IReadOnlyDictionary<string, string> replacements)
    {
        foreach (var (from, to) in replacements)
        {
            Assert.True(shipped.Contains(from, StringComparison.Ordinal), $"deploy/mosquitto/mosquitto.conf no longer has '{from.Trim()}'");
            shipped = shipped.Replace(from, to, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("/etc/mosquitto/edge-gateway/", shipped, StringComparison.Ordinal);
        return shipped;
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true, UseShellExecute = false })
            ?? throw new InvalidOperationException($"{program} did not start");
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} failed: {await process.StandardError.ReadToEndAsync()}");
    }
}
