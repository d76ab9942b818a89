using EdgeGateway.Core.Inputs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Hardware.Board;

/// <summary>
/// At start: names the board (<c>/sys/firmware/devicetree/base/model</c>) and warns about every input on a pin a Raspberry Pi
/// reserves for I2C, 1-Wire or the UART. A warning, not an error: an installer may have turned that function off.
/// </summary>
/// <param name="inputs">The configured inputs, whose pins (and tamper pins) are checked.</param>
/// <param name="logger">Where the board model and the warnings go.</param>
/// <param name="root">File-system root; <c>/</c> on the Pi, a fake folder in tests.</param>
public sealed class BoardCheck(IOptions<InputsOptions> inputs, ILogger<BoardCheck> logger, string root) : IHostedService
{
    // Not /proc/device-tree (a symlink to this): the unit's ProcSubset=pid hides everything in /proc but the processes.
    public const string ModelFile = "sys/firmware/devicetree/base/model";

    public BoardCheck(IOptions<InputsOptions> inputs, ILogger<BoardCheck> logger)
        : this(inputs, logger, "/")
    {
    }

    /// <summary>The board model, or null where the device tree does not say (not a Pi, a container).</summary>
    public string? Model { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Model = ReadModel();
        Log.BoardModel(logger, Model ?? "unknown (no device-tree model)");
        foreach (var (input, function) in ReservedPins.Claimed(Model, inputs.Value.Inputs))
        {
            Log.ReservedPinClaimed(logger, input.Id, input.Kind, input.Pin, function);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private string? ReadModel()
    {
        try
        {
            // The device tree string ends in a NUL.
            return File.ReadAllText(Path.Combine(root, ModelFile)).TrimEnd('\0', '\n', ' ');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
