using System.Text;
using System.Text.Json;
using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Downlink.Commands;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Health;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Core.Tests.Support;
using EdgeGateway.Core.Uplink;
using EdgeGateway.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Tests.Downlink.Commands;

/// <summary>A <see cref="CommandProcessor"/> over a real input monitor and recorder on a fake clock, with a fake sounder and status reporter.</summary>
internal sealed class CommandRig : IAsyncDisposable
{
    public const int PanicPin = 17;

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(10));
    private bool _monitorStarted;

    private readonly bool _withSounder;
    private readonly bool _withReporter;

    public CommandRig(bool withSounder = true, bool withReporter = true, CommandOptions? options = null)
    {
        _withSounder = withSounder;
        _withReporter = withReporter;
        Options = Microsoft.Extensions.Options.Options.Create(options ?? new CommandOptions());
        Problems = new DownlinkProblems(Time, ProblemLog);
        var identity = TestIdentity.Create(Time);
        Store = new InMemoryOutboxStore(identity);
        Recorder = new EventRecorder(new OutboxWriter(Store, new UnwrittenEntries(), new OutboxSignal(), identity, Clock, Time, NullLogger<OutboxWriter>.Instance), identity, Clock, Time);
        var inputs = new InputsOptions
        {
            Inputs =
            [
                new() { Id = "office-panic", Pin = PanicPin, Kind = EventKind.Panic, Location = "Main office, desk 2" },
                new() { Id = "gym-door", Pin = 27, Kind = EventKind.Door, Contact = ContactType.NC, Location = "Gym east door" },
            ],
        };
        Monitor = new InputMonitor(Lines, Recorder, Microsoft.Extensions.Options.Options.Create(inputs), Microsoft.Extensions.Options.Options.Create(new GpioOptions()), Time, NullLogger<InputMonitor>.Instance, new LivenessRegistry(Time));
        TestMode = new TestModeSwitch(Recorder, Options, Time, NullLogger<TestModeSwitch>.Instance);
        Topics = new TopicScheme(identity);
        Processor = NewProcessor();
        Hold = new TestModePanicHold(Monitor, TestMode, Recorder, Options, Time, HoldLog);
        Hold.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    public TestModePanicHold Hold { get; }

    public RecordingLogger<TestModePanicHold> HoldLog { get; } = new();

    public IOptions<CommandOptions> Options { get; }

    public TopicScheme Topics { get; }

    /// <summary>The data directory the command ids are kept in.</summary>
    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("edge-commands-").FullName;

    public RecordingLogger<DownlinkProblems> ProblemLog { get; } = new();

    public RecordingLogger<CommandIdMemory> MemoryLog { get; } = new();

    public RecordingLogger<CommandProcessor> ProcessorLog { get; } = new();

    public DownlinkProblems Problems { get; }

    /// <summary>A processor as after a restart: its id memory read again from the data directory.</summary>
    public CommandProcessor NewProcessor() => new(
        Monitor, TestMode, Clock, Options, Topics,
        new CommandIdMemory(Options, Microsoft.Extensions.Options.Options.Create(new EdgeGateway.Core.Configuration.GatewayOptions { DataDirectory = DataDirectory }), Time, MemoryLog),
        Problems, Time, ProcessorLog,
        _withSounder ? Sounder : null, _withReporter ? Reporter : null);

    public TimerAwareTimeProvider Time { get; } = new();

    public SettableClockSync Clock { get; } = new() { IsSynchronized = true };

    public FakeInputLines Lines { get; } = new();

    public InMemoryOutboxStore Store { get; }

    public EventRecorder Recorder { get; }

    public InputMonitor Monitor { get; }

    public TestModeSwitch TestMode { get; }

    public FakeSounder Sounder { get; } = new();

    public FakeStatusReporter Reporter { get; } = new();

    public CommandProcessor Processor { get; set; }

    public CancellationToken Timeout => _timeout.Token;

    /// <summary>A command issued now by the center's clock, with <paramref name="arguments"/> (a JSON fragment) added.</summary>
    public string Command(string id, string command, string arguments = "") =>
        $$"""{"id":"{{id}}","command":"{{command}}","ts":"{{EventPayload.FormatTimestamp(Time.GetUtcNow())}}"{{(arguments.Length > 0 ? "," + arguments : "")}}}""";

    public Task<CommandResult> SendAsync(string json) => SendAsync(Encoding.UTF8.GetBytes(json));

    /// <summary>Delivers a command as a fresh, not retained message with no response topic; returns its result.</summary>
    public async Task<CommandResult> SendAsync(byte[] payload) => (await DeliverAsync(new ReceivedCommand(payload)))!.Result;

    public Task<CommandReply?> DeliverAsync(ReceivedCommand delivery) => Processor.HandleAsync(delivery, _timeout.Token);

    public async Task StartMonitorAsync()
    {
        await Monitor.StartAsync(_timeout.Token);
        _monitorStarted = true;
    }

    /// <summary>The result as the center reads it.</summary>
    public static JsonElement Json(CommandResult result)
    {
        using var document = JsonDocument.Parse(result.Payload);
        return document.RootElement.Clone();
    }

    public static string? ErrorCode(CommandResult result) =>
        Json(result).TryGetProperty("error", out var error) ? error.GetProperty("code").GetString() : null;

    public static string Detail(CommandResult result, string name) => Json(result).GetProperty("detail").GetProperty(name).ToString();

    public async ValueTask DisposeAsync()
    {
        if (_monitorStarted)
        {
            await Monitor.StopAsync(CancellationToken.None);
        }

        await Hold.StopAsync(CancellationToken.None);
        Monitor.Dispose();
        TestMode.Dispose();
        _timeout.Dispose();
        Directory.Delete(DataDirectory, recursive: true);
    }
}

internal sealed class SettableClockSync : IClockSync
{
    public bool IsSynchronized { get; set; }
}

internal sealed class FakeSounder : ILocalSounder
{
    public bool Sounding { get; set; }

    public int SilenceCalls { get; private set; }

    public Exception? Fault { get; set; }

    public bool Silence()
    {
        SilenceCalls++;
        if (Fault is not null)
        {
            throw Fault;
        }

        var was = Sounding;
        Sounding = false;
        return was;
    }
}

internal sealed class FakeStatusReporter : IStatusReporter
{
    public int Reports { get; private set; }

    /// <summary>When set, reports wait for it (a broker that does not answer).</summary>
    public TaskCompletionSource? Hold { get; set; }

    public bool Connected { get; set; } = true;

    public async Task ReportNowAsync(CancellationToken cancellationToken)
    {
        if (!Connected)
        {
            throw new InvalidOperationException("not connected to a broker");
        }

        if (Hold is not null)
        {
            await Hold.Task.WaitAsync(cancellationToken);
        }

        Reports++;
    }
}
