using EdgeGateway.Mqtt.Connection;

namespace EdgeGateway.Mqtt.Tests.Connection;

public sealed class MqttOptionsValidatorTests
{
    [Fact]
    public void Validate_PlaintextToRemoteHost_IsRefusedNamingTheKey()
    {
        var result = new MqttOptionsValidator().Validate(null, new MqttOptions { Host = "center.example.org", UseTls = false });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("Mqtt:UseTls:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(65536)]
    public void Validate_ProbePortOutsideTcpPorts_IsRefusedNamingTheKey(int port)
    {
        var result = new MqttOptionsValidator().Validate(null, new MqttOptions { Host = "center.example.org", ProbePort = port });

        Assert.Contains(result.Failures!, f => f.StartsWith("Mqtt:ProbePort:", StringComparison.Ordinal));
        Assert.True(new MqttOptionsValidator().Validate(null, new MqttOptions { Host = "center.example.org", ProbePort = 8884 }).Succeeded);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.3.4.5")]
    [InlineData("::1")]
    [InlineData("localhost")]
    [InlineData("LocalHost")]
    public void Validate_PlaintextToLoopback_IsAllowed(string host)
    {
        var result = new MqttOptionsValidator().Validate(null, new MqttOptions { Host = host, UseTls = false });

        Assert.True(result.Succeeded);
    }

    [Theory]
    [InlineData("127.evil.example")]
    [InlineData("127.0.0.1.nip.io")]
    [InlineData("localhost.evil.example")]
    [InlineData("::2")]
    public void Validate_PlaintextToANameThatOnlyLooksLikeLoopback_IsRefused(string host)
    {
        var result = new MqttOptionsValidator().Validate(null, new MqttOptions { Host = host, UseTls = false, Secondary = new MqttEndpoint { Host = host } });

        Assert.False(MqttOptions.IsLoopbackHost(host));
        Assert.Contains($"Mqtt:UseTls: plaintext MQTT to '{host}' is refused; use TLS or set Mqtt:AllowInsecure to true", result.Failures!);
        Assert.Contains($"Mqtt:Secondary:Host: plaintext MQTT to '{host}' is refused; use TLS or set Mqtt:AllowInsecure to true", result.Failures!);
    }

    [Theory]
    [InlineData(nameof(MqttOptions.KeepAliveSeconds), 31, "Mqtt:KeepAliveSeconds: 31 is outside 1-30 (")]
    [InlineData(nameof(MqttOptions.KeepAliveSeconds), 65535, "Mqtt:KeepAliveSeconds: 65535 is outside 1-30 (")]
    [InlineData(nameof(MqttOptions.ReconnectDelayMs), 31_000, "Mqtt:ReconnectDelayMs: 31000 is outside 10-30000 (at most Mqtt:ReconnectMaxDelaySeconds)")]
    [InlineData(nameof(MqttOptions.ReconnectDelayMs), 9, "Mqtt:ReconnectDelayMs: 9 is outside 10-30000 (at most Mqtt:ReconnectMaxDelaySeconds)")]
    [InlineData(nameof(MqttOptions.Port), 65536, "Mqtt:Port: 65536 is outside 1-65535 (a TCP port)")]
    public void Validate_NumberOutsideItsRange_NamesTheKeyAndTheRange(string property, int value, string expected)
    {
        var options = new MqttOptions { Host = "127.0.0.1" };
        typeof(MqttOptions).GetProperty(property)!.SetValue(options, value);

        var failure = Assert.Single(new MqttOptionsValidator().Validate(null, options).Failures!);
        Assert.StartsWith(expected, failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(59u)]
    [InlineData(30u * 86_400 + 1)]
    [InlineData(uint.MaxValue)]
    public void Validate_SessionExpiryOutside60sTo30Days_NamesTheKeyAndTheRange(uint seconds)
    {
        var failure = Assert.Single(new MqttOptionsValidator().Validate(null, new MqttOptions { Host = "127.0.0.1", SessionExpirySeconds = seconds }).Failures!);

        Assert.StartsWith($"Mqtt:SessionExpirySeconds: {seconds} is outside 60-2592000 (", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PlaintextToRemoteHostWithAllowInsecure_IsAllowed()
    {
        var result = new MqttOptionsValidator().Validate(null, new MqttOptions { Host = "10.1.2.3", UseTls = false, AllowInsecure = true });

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Validate_MissingHostAndBadPort_NamesBothKeys()
    {
        var result = new MqttOptionsValidator().Validate(null, new MqttOptions { Host = "", Port = 0, KeepAliveSeconds = 0, InFlightWindow = 0 });

        Assert.Equal(
            ["Mqtt:Host", "Mqtt:Port", "Mqtt:KeepAliveSeconds", "Mqtt:InFlightWindow"],
            result.Failures!.Select(f => f[..f.IndexOf(": ", StringComparison.Ordinal)]));
    }

    [Fact]
    public void Validate_ConnectTimeoutAndExpediteInterval_OutOfRange_NameTheirKeys()
    {
        var result = new MqttOptionsValidator().Validate(null, new MqttOptions { Host = "127.0.0.1", ConnectTimeoutSeconds = 0, ExpeditedConnectMinSeconds = 3601 });

        Assert.Equal(
            ["Mqtt:ConnectTimeoutSeconds", "Mqtt:ExpeditedConnectMinSeconds"],
            result.Failures!.Select(f => f[..f.IndexOf(": ", StringComparison.Ordinal)]));
    }

    [Fact]
    public void Defaults_ConnectTimeout10_ExpediteEvery5()
    {
        var options = new MqttOptions();

        Assert.Equal(10, options.ConnectTimeoutSeconds);
        Assert.Equal(5, options.ExpeditedConnectMinSeconds);
    }
}
