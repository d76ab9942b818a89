using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Health;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Outbox;
using EdgeGateway.Core.Tests.Rigs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Tests.Health;

public sealed class InputProofsTests : IDisposable
{
    private readonly RecorderRig _rig = new();
    private readonly CenterAcknowledgements _acks;
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("proofs-").FullName;

    public InputProofsTests()
    {
        _acks = new CenterAcknowledgements(_rig.Time, NullLogger<CenterAcknowledgements>.Instance, Options.Create(new AckOptions()));
    }

    public void Dispose()
    {
        _acks.Dispose();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task ATestPress_ProvesItsAlarmInput_WithTheRoundTripToTheCentersAck_AndSurvivesARestart()
    {
        var proofs = await StartAsync();
        Assert.Equal([new InputProof("office-panic", null, null), new InputProof("gym-smoke", null, null)], proofs.Snapshot());

        _rig.Recorder.UnderTest = id => id is "office-panic" or "gate-duty";
        _rig.Recorder.Record([new NewEvent("office-panic", EventKind.Panic, EventState.Active, "office"), new NewEvent("gate-duty", EventKind.Duty, EventState.Active, "gate")]);
        var pressedAt = _rig.Time.GetUtcNow();
        var alarm = _rig.Entries.First();
        _rig.Time.Advance(TimeSpan.FromMilliseconds(120));
        _acks.Published(alarm);
        _rig.Time.Advance(TimeSpan.FromMilliseconds(230));
        _acks.OnAckMessage(System.Text.Encoding.UTF8.GetBytes($$"""{"id":"{{alarm.EventId}}","by":"duty-officer"}"""));
        await proofs.LastSave;

        var expected = new[] { new InputProof("office-panic", pressedAt, 350), new InputProof("gym-smoke", null, null) };
        Assert.Equal(expected, proofs.Snapshot());
        await proofs.StopAsync(CancellationToken.None);

        Assert.Equal(expected, (await StartAsync()).Snapshot());
    }

    [Fact]
    public async Task ARealPress_ProvesNothing()
    {
        var proofs = await StartAsync();
        _rig.Recorder.Record([new NewEvent("office-panic", EventKind.Panic, EventState.Active, "office")]);

        Assert.All(proofs.Snapshot(), p => Assert.Null(p.At));
    }

    private async Task<InputProofs> StartAsync()
    {
        var inputs = new InputsOptions
        {
            Inputs =
            [
                new InputOptions { Id = "office-panic", Pin = 17, Kind = EventKind.Panic },
                new InputOptions { Id = "gate-duty", Pin = 24, Kind = EventKind.Duty },
                new InputOptions { Id = "gym-smoke", Pin = 18, Kind = EventKind.Smoke },
            ],
        };
        var proofs = new InputProofs(
            _rig.Recorder,
            _acks,
            Options.Create(inputs),
            Options.Create(new GatewayOptions { DataDirectory = _dataDirectory }),
            Options.Create(new OutboxOptions()),
            _rig.Time,
            NullLogger<InputProofs>.Instance);
        await proofs.StartAsync(CancellationToken.None);
        return proofs;
    }
}
