using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Health;

/// <summary>The <c>Board</c> section: how often the board's health is read.</summary>
public sealed class BoardHealthOptions
{
    public const string Section = "Board";

    /// <summary>The <c>input</c> field of board faults.</summary>
    public const string SourceId = "board";

    /// <summary>Read period. Under-voltage dips are short; the firmware's flag stays set while the supply is low.</summary>
    /// <value>Default 5 s.</value>
    public int ReadIntervalSeconds { get; set; } = 5;
}

/// <summary>
/// The latest board reading, for a health publisher, and the under-voltage fault: one <c>fault</c> event when the
/// supply drops below the firmware's threshold and one restore when it is back. Thread-safe: the monitor writes,
/// anyone reads <see cref="Latest"/>.
/// </summary>
public sealed class BoardHealth
{
    private volatile BoardReading _latest = BoardReading.Unknown;
    private bool _underVoltageReported;

    /// <summary>The last reading; <see cref="BoardReading.Unknown"/> before the first.</summary>
    public BoardReading Latest => _latest;

    /// <summary>Takes a reading; returns the fault transition it causes, if any. Called from one loop only.</summary>
    public NewEvent? Update(BoardReading reading)
    {
        ArgumentNullException.ThrowIfNull(reading);
        _latest = reading;
        if (reading.UnderVoltage is not { } under || under == _underVoltageReported)
        {
            return null;
        }

        _underVoltageReported = under;
        return new NewEvent(
            BoardHealthOptions.SourceId,
            EventKind.Fault,
            under ? EventState.Active : EventState.Restored,
            "",
            new Dictionary<string, string> { ["fault"] = "under-voltage" });
    }
}

/// <summary>Checks the <c>Board</c> section.</summary>
public sealed class BoardHealthOptionsValidator : IValidateOptions<BoardHealthOptions>
{
    public ValidateOptionsResult Validate(string? name, BoardHealthOptions options)
    {
        var errors = new ConfigErrors();
        if (options.ReadIntervalSeconds is < 1 or > 3600)
        {
            errors.Add("Board:ReadIntervalSeconds", $"{options.ReadIntervalSeconds} is outside 1-3600");
        }

        return errors.ToResult();
    }
}
