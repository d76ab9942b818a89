using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Inputs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Hardware.Tests;

public sealed class ServiceCollectionExtensionsTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "eg-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Simulated_HostStart_ListensOnTheDefaultSocketInTheDataDirectory()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var host = BuildHost(("Gpio:Driver", "simulated"));
        var socketPath = Path.Combine(_dataDirectory, "gpio-sim.sock");

        await host.StartAsync(timeout.Token);
        var lines = host.Services.GetRequiredService<IInputLines>();
        lines.Open([new InputOptions { Id = "office-panic", Pin = 17 }], (_, _) => { });
        await using (var client = await SimulatedGpioClient.ConnectAsync(socketPath, timeout.Token))
        {
            await client.SetAsync(17, high: false, timeout.Token);
        }

        Assert.IsType<SimulatedInputLines>(lines);
        Assert.False(lines.Read(17));
        await host.StopAsync(timeout.Token);
        Assert.False(File.Exists(socketPath));
    }

    [Fact]
    public void Libgpiod_RegistersNoSimulatorSocket()
    {
        using var host = BuildHost(("Gpio:Driver", "libgpiod"));

        Assert.DoesNotContain(host.Services.GetServices<IHostedService>(), s => s is SimulatedGpioSocket);
        Assert.Null(host.Services.GetService<SimulatedGpioDriver>());
    }

    [Fact]
    public async Task UnknownDriver_FailsOnStart_NamingTheKey()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var host = BuildHost(("Gpio:Driver", "foo"));

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(timeout.Token));

        Assert.Contains("Gpio:Driver: 'foo' is not one of libgpiod, simulated", ex.Failures);
    }

    private IHost BuildHost(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(
            [new("Gateway:SiteId", "s1"), new("Gateway:GatewayId", "gw1"), new("Gateway:DataDirectory", _dataDirectory), .. settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))]);
        builder.Services.AddGatewayOptions(builder.Configuration);
        builder.Services.AddInputOptions(builder.Configuration);
        builder.Services.AddGpioInputs(builder.Configuration);
        return builder.Build();
    }
}
