using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Health;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Core.Uplink;
using EdgeGateway.Mqtt.Health;
using EdgeGateway.TestKit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Mqtt.Tests.Health;

public sealed class HealthServiceCollectionExtensionsTests
{
    [Fact]
    public void AddHealthReporting_StatusReporterIsTheHostedHealthPublisher()
    {
        using var provider = Services(new Dictionary<string, string?>()).BuildServiceProvider();

        var reporter = provider.GetRequiredService<IStatusReporter>();

        Assert.IsType<HealthPublisher>(reporter);
        Assert.Contains(provider.GetServices<IHostedService>(), service => ReferenceEquals(service, reporter));
        Assert.Equal(60, provider.GetRequiredService<IOptions<HealthOptions>>().Value.IntervalSeconds);
    }

    [Fact]
    public void AddHealthReporting_IntervalOutOfRange_FailsNamingTheKey()
    {
        using var provider = Services(new Dictionary<string, string?> { ["Health:IntervalSeconds"] = "1" }).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<HealthOptions>>().Value);

        Assert.Contains("Health:IntervalSeconds: 1 is outside 5-3600", error.Failures);
    }

    private static ServiceCollection Services(Dictionary<string, string?> settings)
    {
        settings["Mqtt:Host"] = "127.0.0.1";
        settings["Mqtt:UseTls"] = "false";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(Options.Create(new GatewayOptions { SiteId = "s1", GatewayId = "gw-test", DataDirectory = Path.GetTempPath() }));
        services.AddSingleton(new GatewayIdentity("s1", "gw-test", TimeProvider.System));
        services.AddSingleton<IClockSync, UnsyncedClock>();
        services.AddSingleton<IOutboxStore>(sp => new InMemoryOutboxStore(sp.GetRequiredService<GatewayIdentity>()));
        services.AddSingleton<UnwrittenEntries>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<OutboxWriter>();
        services.AddSingleton<EventRecorder>();
        services.AddTopics();
        services.AddAcknowledgements(configuration);
        services.AddSingleton<IStatusPayloadSource>(new StaticStatusPayloadSource());
        services.AddMqttUplink(configuration);
        services.AddHealth(configuration);
        services.AddSingleton<IBoardProbe, NoBoard>();
        services.AddHealthReporting();
        return services;
    }

    private sealed class NoBoard : IBoardProbe
    {
        public BoardReading Read() => BoardReading.Unknown;
    }
}
