using System.Device.Gpio;
using EdgeGateway.Core.Outputs;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Hardware;

/// <summary>
/// <see cref="IOutputLines"/> over a System.Device.Gpio <see cref="GpioController"/>: each output is opened as
/// <see cref="PinMode.Output"/> already at its off level (low, or high when <see cref="OutputOptions.ActiveLow"/>),
/// so a relay module never clicks at start. The container owns the driver; only the pins opened here are closed.
/// </summary>
public sealed class GpioOutputLines(Func<GpioDriver> driver, ILogger<GpioOutputLines> logger) : IOutputLines, IDisposable
{
    // Created when the first output is opened: a gateway without outputs never needs the driver.
    private readonly Lazy<GpioController> _lazyController = new(() => new GpioController(driver()), LazyThreadSafetyMode.PublicationOnly);
    private readonly Lock _lock = new();
    private readonly List<OutputOptions> _opened = [];

    public GpioOutputLines(GpioDriver driver, ILogger<GpioOutputLines> logger)
        : this(() => driver, logger)
    {
    }

    private GpioController Controller => _lazyController.Value;

    public void Open(IReadOnlyList<OutputOptions> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        lock (_lock)
        {
            foreach (var output in outputs)
            {
                try
                {
                    Controller.OpenPin(output.Pin, PinMode.Output, LevelOf(output, on: false));
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    throw new InvalidOperationException($"Cannot open output '{output.Id}' on GPIO {output.Pin}: {ex.Message}", ex);
                }

                _opened.Add(output);
                Log.OutputOpened(logger, output.Id, output.Pin, output.Role, output.ActiveLow ? "low" : "high");
            }
        }
    }

    public void Set(OutputRole role, bool on)
    {
        lock (_lock)
        {
            foreach (var output in _opened.Where(o => o.Role == role))
            {
                Controller.Write(output.Pin, LevelOf(output, on));
            }
        }
    }

    public void Close()
    {
        lock (_lock)
        {
            foreach (var output in _opened)
            {
                Controller.Write(output.Pin, LevelOf(output, on: false));
                Controller.ClosePin(output.Pin);
            }

            _opened.Clear();
        }
    }

    public void Dispose() => Close();

    /// <summary>The line level that turns <paramref name="output"/> on or off.</summary>
    public static PinValue LevelOf(OutputOptions output, bool on)
    {
        ArgumentNullException.ThrowIfNull(output);
        return on != output.ActiveLow ? PinValue.High : PinValue.Low;
    }
}
