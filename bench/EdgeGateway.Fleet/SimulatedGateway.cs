using System.Globalization;
using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Core.Uplink;
using EdgeGateway.Host;
using EdgeGateway.Mqtt;
using EdgeGateway.Mqtt.Connection;
using EdgeGateway.TestKit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Fleet;

/// <summary>
/// One gateway without its board: the host's own composition (<c>AddGatewayEvents</c> + <c>AddMqttUplink</c>) in its
/// own service provider, hosted services started in registration order and stopped in reverse as the host does.
/// Presses and telemetry go straight to the <see cref="EventRecorder"/>.
/// </summary>
internal sealed class SimulatedGateway : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly IHostedService[] _hosted;
    private readonly string _directory;
    private int _telemetry;

    private SimulatedGateway(ServiceProvider services, string directory)
    {
        _services = services;
        _directory = directory;
        _hosted = [.. services.GetServices<IHostedService>()];
        Recorder = services.GetRequiredService<EventRecorder>();
        Connection = services.GetRequiredService<MqttConnection>();
        Store = services.GetRequiredService<IOutboxStore>();
    }

    public string Name => Recorder.Identity.GatewayId;

    public EventRecorder Recorder { get; }

    public MqttConnection Connection { get; }

    public IOutboxStore Store { get; }

    public static SimulatedGateway Create(int index, int port, FleetSettings settings, string root, ILoggerFactory logs)
    {
        var id = index.ToString("00000", CultureInfo.InvariantCulture);
        var directory = Path.Combine(root, id);
        Directory.CreateDirectory(directory);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            // One school site per gateway; the gateway id is the MQTT client id, unique county-wide.
            ["Gateway:SiteId"] = $"site-{id}",
            ["Gateway:GatewayId"] = $"gw-{id}",
            ["Gateway:DataDirectory"] = directory,
            ["Mqtt:Host"] = "127.0.0.1",
            ["Mqtt:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Mqtt:UseTls"] = "false",
            ["Mqtt:ReconnectDelayMs"] = settings.ReconnectDelayMs.ToString(CultureInfo.InvariantCulture),
            ["Mqtt:ReconnectMaxDelaySeconds"] = settings.ReconnectMaxDelaySeconds.ToString(CultureInfo.InvariantCulture),
            ["Mqtt:KeepAliveSeconds"] = settings.KeepAliveSeconds.ToString(CultureInfo.InvariantCulture),
        }).Build();

        var services = new ServiceCollection();
        services.AddSingleton(logs);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        if (settings.Store == FleetStore.Memory)
        {
            // Registered first: AddLiteDbOutbox only adds its store when none is registered.
            services.AddSingleton<IOutboxStore>(sp => new InMemoryOutboxStore(sp.GetRequiredService<GatewayIdentity>()));
        }

        services.AddGatewayEvents(configuration);
        services.AddOptions<InputsOptions>();
        services.AddTopics();
        services.AddAcknowledgements(configuration);
        services.AddMqttUplink(configuration);
        return new SimulatedGateway(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }), directory);
    }

    /// <summary>Background services of this gateway that have died (in a real host that would stop the process).</summary>
    public IReadOnlyList<string> DeadServices => [.. _hosted.OfType<BackgroundService>()
        .Where(s => s.ExecuteTask is { IsCompleted: true })
        .Select(s => $"{s.GetType().Name} {s.ExecuteTask!.Status}: {s.ExecuteTask.Exception?.InnerException?.GetType().Name} {s.ExecuteTask.Exception?.InnerException?.Message}")];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _services.GetRequiredService<IStartupValidator>().Validate();
        foreach (var service in _hosted)
        {
            await service.StartAsync(cancellationToken);
        }
    }

    /// <summary>A panic button press: recorded (on disk for LiteDB) before this returns. Returns the event id.</summary>
    public string Press() =>
        Recorder.Record([new NewEvent("office-panic", EventKind.Panic, EventState.Active, "office")])[0].EventId;

    /// <summary>One temperature sample on the telemetry lane. Returns the event id.</summary>
    public string RecordTelemetry()
    {
        var reading = 20 + (Interlocked.Increment(ref _telemetry) % 50 / 10.0);
        return Recorder.Record([new NewEvent("hall-temp", EventKind.Telemetry, EventState.Active, "hall",
            Telemetry: new TelemetrySample("ds18b20", new SensorReadings(reading)))])[0].EventId;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var service in _hosted.Reverse())
        {
            await service.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // The fleet's root folder is removed at the end anyway.
        }
    }
}
