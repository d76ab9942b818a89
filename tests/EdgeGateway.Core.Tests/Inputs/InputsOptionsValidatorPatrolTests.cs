using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;

namespace EdgeGateway.Core.Tests.Inputs;

public sealed class InputsOptionsValidatorPatrolTests
{
    private readonly InputsOptionsValidator _validator = new();

    [Fact]
    public void CheckpointAndDutyInputs_AreValid()
    {
        var result = Validate(new InputOptions { Id = "cp-gate", Pin = 22, Kind = EventKind.Checkpoint }, new InputOptions { Id = "gate-duty", Pin = 24, Kind = EventKind.Duty, CheckInIntervalSeconds = 900, CheckInSounder = true });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void ACheckpointThatLatches_ACheckInOutOfRange_AndAPatrolInput_AreRefused()
    {
        var result = Validate(
            new InputOptions { Id = "cp-gate", Pin = 22, Kind = EventKind.Checkpoint, Latch = true },
            new InputOptions { Id = "gate-duty", Pin = 24, Kind = EventKind.Duty, CheckInIntervalSeconds = 5 },
            new InputOptions { Id = "night", Pin = 25, Kind = EventKind.Patrol });

        Assert.Equal(
            [
                "Inputs:0:Latch: a checkpoint input reports each press: it cannot latch",
                "Inputs:1:CheckInIntervalSeconds: 5 is outside 10-86400",
                "Inputs:2:Kind: 'patrol' is reserved for the gateway's own round events (wire a round's points as 'checkpoint')",
            ],
            result.Failures);
    }

    private Microsoft.Extensions.Options.ValidateOptionsResult Validate(params InputOptions[] inputs) => _validator.Validate(null, new InputsOptions { Inputs = [.. inputs] });
}
