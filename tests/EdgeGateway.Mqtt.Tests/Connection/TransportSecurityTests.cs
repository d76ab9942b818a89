using EdgeGateway.Core.Configuration;
using EdgeGateway.Mqtt.Connection;
using EdgeGateway.TestKit;

namespace EdgeGateway.Mqtt.Tests.Connection;

public sealed class TransportSecurityTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("transport-security-").FullName;

    [Fact]
    public void LoadCredentials_UsernameAndPasswordLines_CommentsIgnored()
    {
        var file = Write("creds", "# center account\n\nusername=hy-school-017\npassword = p=ss word \n");

        var credentials = TransportSecurity.LoadCredentials(file);

        Assert.Equal("hy-school-017", credentials.Username);
        Assert.Equal("p=ss word", credentials.Password);
        Assert.DoesNotContain("p=ss", credentials.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void LoadCredentials_LineWithoutEquals_FailsWithoutEchoingIt()
    {
        var file = Write("creds", "username=a\nhunter2\n");

        var error = Assert.Throws<InvalidDataException>(() => TransportSecurity.LoadCredentials(file));

        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadCredentials_SystemdCredentialWithTheSameName_WinsOverThePath()
    {
        var credentials = Directory.CreateDirectory(Path.Combine(_directory, "credentials")).FullName;
        File.WriteAllText(Path.Combine(credentials, "mqtt-credentials"), "username=from-systemd\npassword=x\n");

        var resolved = CredentialPath.Resolve("/etc/edge-gateway/mqtt-credentials", credentials);

        Assert.Equal(Path.Combine(credentials, "mqtt-credentials"), resolved);
        Assert.Equal("/etc/edge-gateway/other", CredentialPath.Resolve("/etc/edge-gateway/other", credentials));
    }

    [Fact]
    public void Validate_MissingFilesAndHalfAClientCertificate_NameTheKeys()
    {
        var result = new MqttOptionsValidator().Validate(null, new MqttOptions
        {
            Host = "center.example.org",
            CaFile = Path.Combine(_directory, "missing-ca.crt"),
            ClientCertFile = Path.Combine(_directory, "gw1.crt"),
            CredentialsFile = Path.Combine(_directory, "missing-credentials"),
        });

        Assert.True(result.Failed);
        Assert.Equal(["Mqtt:CaFile", "Mqtt:ClientKeyFile", "Mqtt:CredentialsFile"], result.Failures!.Select(f => f[..f.IndexOf(':', 5)]));
    }

    [Fact]
    public void Validate_GeneratedPkiAndCredentials_Succeeds_AndNeverMentionsThePassword()
    {
        using var pki = new TestCertificates(_directory, "ca", TimeProvider.System.GetUtcNow());
        var client = pki.Client("gw1", "gw1");
        var options = new MqttOptions
        {
            Host = "center.example.org",
            CaFile = pki.CaFile,
            ClientCertFile = client.CertFile,
            ClientKeyFile = client.KeyFile,
            CredentialsFile = Write("creds", "username=s1\npassword=secret-123\n"),
        };

        Assert.True(new MqttOptionsValidator().Validate(null, options).Succeeded);
        var bad = new MqttOptionsValidator().Validate(null, new MqttOptions { Host = "h", ClientCertFile = client.CertFile, ClientKeyFile = pki.CaFile });
        Assert.Contains(bad.Failures!, f => f.StartsWith("Mqtt:ClientCertFile:", StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string text)
    {
        var file = Path.Combine(_directory, name);
        File.WriteAllText(file, text);
        return file;
    }
}
