using System.Globalization;
using System.Text;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Hardware;

/// <summary>
/// Control socket for the <see cref="SimulatedGpioDriver"/>: a Unix domain socket speaking one ASCII line each way.
/// <c>set &lt;pin&gt; high|low</c> answers <c>ok</c>; <c>get &lt;pin&gt;</c> answers <c>high</c> or <c>low</c> (for an output,
/// the level the gateway drives it to); <c>writes &lt;pin&gt;</c> answers how often the gateway wrote it;
/// anything wrong answers <c>err &lt;reason&gt;</c>. Any number of commands per connection; at most
/// <see cref="Limits"/> clients at once, each closed after that much silence. The socket file is owner-only (0600).
/// </summary>
public sealed class SimulatedGpioSocket : IHostedService, IAsyncDisposable, IDisposable, ILineProtocol
{
    /// <summary>A command longer than this is refused; the protocol's longest valid line is about 15 bytes.</summary>
    public const int MaxLineBytes = 256;

    /// <summary>16 clients at once (tests and scripts, not the public); one silent for 10 minutes is closed.</summary>
    public static readonly LineSocketLimits Limits = new(MaxClients: 16, IdleTimeout: TimeSpan.FromMinutes(10));

    private readonly SimulatedGpioDriver _driver;
    private readonly ILogger _logger;
    private readonly LineSocketServer _server;

    public SimulatedGpioSocket(
        SimulatedGpioDriver driver,
        IOptions<GpioOptions> gpio,
        IOptions<GatewayOptions> gateway,
        TimeProvider time,
        ILogger<SimulatedGpioSocket> logger)
        : this(driver, gpio.Value.ResolveSimSocket(gateway.Value.DataDirectory), time, logger)
    {
    }

    public SimulatedGpioSocket(SimulatedGpioDriver driver, string path, TimeProvider time, ILogger<SimulatedGpioSocket> logger)
    {
        ArgumentNullException.ThrowIfNull(driver);
        ArgumentNullException.ThrowIfNull(logger);
        _driver = driver;
        _logger = logger;
        _server = new LineSocketServer(path, this, Encoding.ASCII, MaxLineBytes, backlog: 16, Limits, time);
    }

    /// <summary>The socket file, as an absolute path.</summary>
    public string Path => _server.Path;

    bool ILineProtocol.Converses => true;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (SocketPath.TooLong(Path) is { } tooLong)
        {
            throw new InvalidOperationException($"Simulated GPIO socket path {tooLong}; set Gpio:SimSocket to a shorter path");
        }

        if (_server.Start())
        {
            Log.SimStaleSocketRemoved(_logger, Path);
        }

        Log.SimSocketListening(_logger, Path);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (await _server.StopAsync(cancellationToken).ConfigureAwait(false))
        {
            Log.SimSocketClosed(_logger, Path);
        }
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    /// <summary>For a container disposed synchronously: closes the listener and clients without waiting for them.</summary>
    public void Dispose() => _server.Dispose();

    string? ILineProtocol.Greeting() => null;

    string ILineProtocol.Reply(string line) => Execute(line);

    void ILineProtocol.AcceptFailed(Exception exception, TimeSpan retryIn) => Log.SimAcceptFailed(_logger, retryIn, exception);

    void ILineProtocol.ClientFailed(Exception exception) => Log.SimClientFailed(_logger, exception);

    /// <summary>Runs one protocol line and returns the reply, without the newline.</summary>
    public string Execute(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            return "err empty command; use 'set <pin> high|low', 'get <pin>' or 'writes <pin>'";
        }

        switch (parts[0])
        {
            case "set" when parts.Length == 3:
                if (!TryParsePin(parts[1], out var setPin, out var pinError))
                {
                    return pinError;
                }

                bool high;
                switch (parts[2])
                {
                    case "high":
                        high = true;
                        break;
                    case "low":
                        high = false;
                        break;
                    default:
                        return $"err level '{parts[2]}' is not high or low";
                }

                try
                {
                    _driver.SetInputLevel(setPin, high);
                }
                catch (InvalidOperationException ex)
                {
                    return $"err {ex.Message}";
                }

                Log.SimLevelSet(_logger, setPin, parts[2]);
                return "ok";
            case "set":
                return "err usage: set <pin> high|low";
            case "get" when parts.Length == 2:
                return TryParsePin(parts[1], out var getPin, out var getError)
                    ? _driver.GetLevel(getPin) ? "high" : "low"
                    : getError;
            case "get":
                return "err usage: get <pin>";
            case "writes" when parts.Length == 2:
                return TryParsePin(parts[1], out var writesPin, out var writesError)
                    ? _driver.WriteCount(writesPin).ToString(CultureInfo.InvariantCulture)
                    : writesError;
            case "writes":
                return "err usage: writes <pin>";
            default:
                return $"err unknown command '{parts[0]}'; use 'set <pin> high|low', 'get <pin>' or 'writes <pin>'";
        }
    }

    private static bool TryParsePin(string text, out int pin, out string error)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out pin) && pin < SimulatedGpioDriver.SimulatedPinCount)
        {
            error = "";
            return true;
        }

        error = $"err pin '{text}' is not a GPIO number 0-{SimulatedGpioDriver.SimulatedPinCount - 1}";
        return false;
    }
}
