using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;

namespace EdgeGateway.Core.Tests.Inputs;

public sealed class InputsOptionsValidatorSupervisionTests
{
    [Fact]
    public void Validate_TamperPinUsedByAnotherInput_NamesTheKey()
    {
        var result = Validate(
            new InputOptions { Id = "office-panic", Pin = 17, Kind = EventKind.Panic },
            new InputOptions { Id = "gate-door", Pin = 22, Kind = EventKind.Door, TamperPin = 17 });

        Assert.Contains("Inputs:1:TamperPin: GPIO 17 of input 'gate-door' is already used by input 'office-panic' (Inputs:0)", result);
    }

    [Fact]
    public void Validate_TamperPinOffTheHeader_NamesTheKey()
    {
        var result = Validate(new InputOptions { Id = "gate-door", Pin = 22, TamperPin = 40 });

        Assert.Contains("Inputs:0:TamperPin: GPIO 40 does not exist on the Raspberry Pi header (BCM 2-27)", result);
    }

    [Theory]
    [InlineData(EventKind.Temperature, "temperature")]
    [InlineData(EventKind.Telemetry, "telemetry")]
    public void Validate_SensorEventKind_IsRefused(EventKind kind, string name)
    {
        var result = Validate(new InputOptions { Id = "x", Pin = 5, Kind = kind });

        Assert.Contains($"Inputs:0:Kind: '{name}' is reserved for the gateway's own sensor events", result);
    }

    [Fact]
    public void Validate_SwingerSettingsOutOfRange_NameEachKey()
    {
        var result = Validate(new InputOptions { Id = "x", Pin = 5, MaxActivations = -1, SwingerWindowSeconds = 0, SwingerQuietSeconds = 0 });

        Assert.Contains("Inputs:0:MaxActivations: -1 is not 0 (off) or 2-1000", result);
        Assert.Contains("Inputs:0:SwingerWindowSeconds: 0 is outside 1-3600", result);
        Assert.Contains("Inputs:0:SwingerQuietSeconds: 0 is outside 1-86400", result);
    }

    [Fact]
    public void Validate_MaxActivationsOne_IsRefused()
    {
        Assert.Contains("Inputs:0:MaxActivations: 1 is not 0 (off) or 2-1000", Validate(new InputOptions { Id = "x", Pin = 5, MaxActivations = 1 }));
    }

    [Fact]
    public void Validate_Defaults_AreValid()
    {
        var result = Validate(new InputOptions { Id = "gate-door", Pin = 22, Kind = EventKind.Door, Contact = ContactType.NC, TamperPin = 5 });

        Assert.Empty(result);
    }

    private static IEnumerable<string> Validate(params InputOptions[] inputs) =>
        new InputsOptionsValidator().Validate(null, new InputsOptions { Inputs = [.. inputs] }).Failures ?? [];
}
