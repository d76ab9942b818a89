using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Outputs;
using EdgeGateway.Core.Sensors;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Tests.Outputs;

public sealed class OutputsOptionsValidatorTests
{
    private static readonly InputsOptions s_inputs = new()
    {
        Inputs =
        [
            new InputOptions { Id = "office-panic", Pin = 17, Kind = EventKind.Panic },
            new InputOptions { Id = "store-intrusion", Pin = 24, Kind = EventKind.Intrusion, TamperPin = 25 },
        ],
    };

    private static readonly SensorsOptions s_sensors = new()
    {
        Sensors = [new SensorOptions { Id = "cold-room", Type = SensorOptions.Ds18b20 }, new SensorOptions { Id = "dry-store", Type = SensorOptions.Sht3x }],
    };

    [Fact]
    public void ExampleOutputs_AreValid()
    {
        var result = Validate(
            new OutputOptions { Id = "status-led", Pin = 5, Role = OutputRole.StatusLed },
            new OutputOptions { Id = "buzzer", Pin = 6, Role = OutputRole.Sounder },
            new OutputOptions { Id = "relay", Pin = 13, Role = OutputRole.Escalation, ActiveLow = true });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void NoOutputs_AreValid()
    {
        Assert.True(Validate().Succeeded);
    }

    [Theory]
    [InlineData(17, "Outputs:0:Pin: GPIO 17 of output 'led' is already used by input 'office-panic' (Inputs:0)")]
    [InlineData(25, "Outputs:0:Pin: GPIO 25 of output 'led' is already used by input 'store-intrusion' (Inputs:1:TamperPin)")]
    [InlineData(4, "Outputs:0:Pin: GPIO 4 of output 'led' is already used by sensor 'cold-room' (Sensors:0), 1-Wire")]
    [InlineData(3, "Outputs:0:Pin: GPIO 3 of output 'led' is already used by sensor 'dry-store' (Sensors:1), I2C1 SCL")]
    [InlineData(28, "Outputs:0:Pin: GPIO 28 does not exist on the Raspberry Pi header (BCM 0-27)")]
    [InlineData(-1, "Outputs:0:Pin: is required")]
    public void BadPin_NamesTheKey(int pin, string expected)
    {
        var result = Validate(new OutputOptions { Id = "led", Pin = pin, Role = OutputRole.StatusLed });

        Assert.Equal([expected], result.Failures);
    }

    [Fact]
    public void PinSharedWithAnotherOutput_NamesBoth()
    {
        var result = Validate(
            new OutputOptions { Id = "led", Pin = 5, Role = OutputRole.StatusLed },
            new OutputOptions { Id = "buzzer", Pin = 5, Role = OutputRole.Sounder });

        Assert.Equal(["Outputs:1:Pin: GPIO 5 of output 'buzzer' is already used by output 'led' (Outputs:0)"], result.Failures);
    }

    [Fact]
    public void DuplicateOrBadId_NamesTheKey()
    {
        var result = Validate(
            new OutputOptions { Id = "led", Pin = 5, Role = OutputRole.StatusLed },
            new OutputOptions { Id = "led", Pin = 6, Role = OutputRole.Sounder },
            new OutputOptions { Id = "Bad Id", Pin = 13, Role = OutputRole.Escalation },
            new OutputOptions { Id = "relay", Pin = 19, Role = (OutputRole)42 });

        Assert.Equal(
            [
                "Outputs:1:Id: 'led' is already the id of Outputs:0",
                "Outputs:2:Id: 'Bad Id' may contain only lower-case letters, digits, '-' and '_'",
                "Outputs:3:Role: '42' is not one of StatusLed, Sounder, Escalation, TestMode",
            ],
            result.Failures);
    }

    private static ValidateOptionsResult Validate(params OutputOptions[] outputs) =>
        new OutputsOptionsValidator(Options.Create(s_inputs), Options.Create(s_sensors)).Validate(null, new OutputsOptions { Outputs = [.. outputs] });
}
