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
    [InlineData("localhost")]
    public void Validate_PlaintextToLoopback_IsAllowed(string host)
    {
        var result = new MqttOptionsValidator().Validate(null, new MqttOptions { Host = host, UseTls = false });

        Assert.True(result.Succeeded);
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
