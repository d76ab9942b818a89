using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;

namespace EdgeGateway.Core.Tests.Inputs;

public class InputsOptionsValidatorTests
{
    private readonly InputsOptionsValidator _validator = new();

    [Fact]
    public void Validate_ValidInputs_Succeeds()
    {
        // Arrange
        var options = Options(Input("office-panic", 17, EventKind.Panic), Input("gym-door", 27, EventKind.Door));

        // Act
        var result = _validator.Validate(null, options);

        // Assert
        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_DuplicatePin_NamesBothInputsAndKey()
    {
        // Arrange
        var options = Options(Input("office-panic", 17, EventKind.Panic), Input("hall-smoke", 17, EventKind.Smoke));

        // Act
        var result = _validator.Validate(null, options);

        // Assert
        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Inputs:1:Pin:", failure, StringComparison.Ordinal);
        Assert.Contains("17", failure, StringComparison.Ordinal);
        Assert.Contains("'office-panic'", failure, StringComparison.Ordinal);
        Assert.Contains("'hall-smoke'", failure, StringComparison.Ordinal);
        Assert.Contains("Inputs:0", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(28)]
    [InlineData(40)]
    public void Validate_PinOffHeader_FailsWithPinKey(int pin)
    {
        // Arrange
        var options = Options(Input("office-panic", pin, EventKind.Panic));

        // Act
        var result = _validator.Validate(null, options);

        // Assert
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Inputs:0:Pin:", failure, StringComparison.Ordinal);
        Assert.Contains($"GPIO {pin}", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(InputsOptionsValidator.FirstHeaderPin)]
    [InlineData(InputsOptionsValidator.LastHeaderPin)]
    public void Validate_PinAtHeaderBounds_Succeeds(int pin)
    {
        // Arrange
        var options = Options(Input("office-panic", pin, EventKind.Panic));

        // Act
        var result = _validator.Validate(null, options);

        // Assert
        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_PinMissing_SaysRequired()
    {
        // Arrange
        var options = Options(new InputOptions { Id = "office-panic" });

        // Act
        var result = _validator.Validate(null, options);

        // Assert
        Assert.Equal(["Inputs:0:Pin: is required"], result.Failures);
    }

    [Fact]
    public void Validate_IdMissing_FailsWithIdKey()
    {
        // Arrange
        var options = Options(Input("office-panic", 17, EventKind.Panic), Input("", 18, EventKind.Door));

        // Act
        var result = _validator.Validate(null, options);

        // Assert
        Assert.Equal(["Inputs:1:Id: is required"], result.Failures);
    }

    [Theory]
    [InlineData("Office-Panic")]
    [InlineData("office panic")]
    [InlineData("office/panic")]
    [InlineData("office+panic")]
    public void Validate_IdNotTopicSegment_FailsWithIdKey(string id)
    {
        // Arrange
        var options = Options(Input(id, 17, EventKind.Panic));

        // Act
        var result = _validator.Validate(null, options);

        // Assert
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Inputs:0:Id:", failure, StringComparison.Ordinal);
        Assert.Contains($"'{id}'", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DuplicateId_NamesFirstInput()
    {
        // Arrange
        var options = Options(Input("office-panic", 17, EventKind.Panic), Input("office-panic", 18, EventKind.Panic));

        // Act
        var result = _validator.Validate(null, options);

        // Assert
        Assert.Equal(["Inputs:1:Id: 'office-panic' is already the id of Inputs:0"], result.Failures);
    }

    [Fact]
    public void Validate_PanicWithLatchFalse_Fails()
    {
        // Arrange
        var input = Input("office-panic", 17, EventKind.Panic);
        input.Latch = false;

        // Act
        var result = _validator.Validate(null, Options(input));

        // Assert
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Inputs:0:Latch:", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DoorWithLatchFalse_Succeeds()
    {
        // Arrange
        var input = Input("gym-door", 17, EventKind.Door);
        input.Latch = false;

        // Act
        var result = _validator.Validate(null, Options(input));

        // Assert
        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData(-1, 0, "Inputs:0:DebounceMs: -1 is outside 0-10000")]
    [InlineData(10_001, 0, "Inputs:0:DebounceMs: 10001 is outside 0-10000")]
    [InlineData(20, -1, "Inputs:0:MinActiveMs: -1 is outside 0-60000")]
    [InlineData(20, 60_001, "Inputs:0:MinActiveMs: 60001 is outside 0-60000")]
    public void Validate_TimingOutOfRange_FailsWithKey(int debounceMs, int minActiveMs, string expected)
    {
        // Arrange
        var input = Input("gym-door", 17, EventKind.Door);
        input.DebounceMs = debounceMs;
        input.MinActiveMs = minActiveMs;

        // Act
        var result = _validator.Validate(null, Options(input));

        // Assert
        Assert.Equal([expected], result.Failures);
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsEach()
    {
        // Arrange
        var options = Options(new InputOptions { Id = "", Pin = 99, Kind = EventKind.Panic, Latch = false });

        // Act
        var result = _validator.Validate(null, options);

        // Assert
        Assert.Equal(3, result.Failures!.Count());
    }

    private static InputOptions Input(string id, int pin, EventKind kind) => new() { Id = id, Pin = pin, Kind = kind };

    private static InputsOptions Options(params InputOptions[] inputs) => new() { Inputs = [.. inputs] };
}
