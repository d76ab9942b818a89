using System.Globalization;
using System.Net.Sockets;
using System.Text;
using EdgeGateway.Core.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Hardware;

/// <summary>
/// Control socket for the <see cref="SimulatedGpioDriver"/>: a Unix domain socket speaking one ASCII line each way.
/// <c>set &lt;pin&gt; high|low</c> answers <c>ok</c>; <c>get &lt;pin&gt;</c> answers <c>high</c> or <c>low</c> (for an output,
/// the level the gateway drives it to); <c>writes &lt;pin&gt;</c> answers how often the gateway wrote it;
/// anything wrong answers <c>err &lt;reason&gt;</c>. Any number of clients, any number of commands per connection.
/// </summary>
public sealed class SimulatedGpioSocket : IHostedService, IAsyncDisposable, IDisposable
{
    /// <summary>A command longer than this is refused; the protocol's longest valid line is about 15 bytes.</summary>
    public const int MaxLineBytes = 256;

    private readonly SimulatedGpioDriver _driver;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private readonly HashSet<Task> _clients = [];
    private Socket? _listener;
    private Task? _acceptLoop;

    public SimulatedGpioSocket(
        SimulatedGpioDriver driver,
        IOptions<GpioOptions> gpio,
        IOptions<GatewayOptions> gateway,
        ILogger<SimulatedGpioSocket> logger)
        : this(driver, gpio.Value.ResolveSimSocket(gateway.Value.DataDirectory), logger)
    {
    }

    public SimulatedGpioSocket(SimulatedGpioDriver driver, string path, ILogger<SimulatedGpioSocket>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(driver);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _driver = driver;
        Path = System.IO.Path.GetFullPath(path);
        _logger = logger ?? NullLogger<SimulatedGpioSocket>.Instance;
    }

    /// <summary>The socket file, as an absolute path.</summary>
    public string Path { get; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_listener is not null)
        {
            throw new InvalidOperationException("The simulated GPIO socket is already started");
        }

        if (Encoding.UTF8.GetByteCount(Path) > GpioOptionsValidator.MaxSocketPathBytes)
        {
            throw new InvalidOperationException(
                $"Simulated GPIO socket path '{Path}' is longer than {GpioOptionsValidator.MaxSocketPathBytes} bytes; set Gpio:SimSocket to a shorter path");
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);

        // A socket file left by a killed process would make bind fail with "address in use".
        if (File.Exists(Path))
        {
            File.Delete(Path);
            Log.SimStaleSocketRemoved(_logger, Path);
        }

        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(Path));
            listener.Listen(16);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        _listener = listener;
        _acceptLoop = AcceptLoopAsync(listener, _stopping.Token);
        Log.SimSocketListening(_logger, Path);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_listener is not { } listener)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        listener.Dispose();
        try
        {
            // The accept loop first, so no client can be added after the snapshot below.
            await (_acceptLoop ?? Task.CompletedTask).WaitAsync(cancellationToken).ConfigureAwait(false);
            Task[] clients;
            lock (_lock)
            {
                clients = [.. _clients];
            }

            await Task.WhenAll(clients).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _listener = null;
            TryDeleteSocketFile();
            Log.SimSocketClosed(_logger, Path);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>For a container disposed synchronously: closes the listener and clients without waiting for them.</summary>
    public void Dispose()
    {
        if (_listener is { } listener)
        {
            _stopping.Cancel();
            listener.Dispose();
            _listener = null;
            TryDeleteSocketFile();
        }

        _stopping.Dispose();
    }

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

    private async Task AcceptLoopAsync(Socket listener, CancellationToken stopping)
    {
        // Off the caller's thread: StartAsync must return once the socket is bound.
        await Task.Yield();
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.SimAcceptFailed(_logger, ex);
                return;
            }

            var task = ServeAsync(client, stopping);
            lock (_lock)
            {
                _clients.Add(task);
            }

            _ = task.ContinueWith(
                t =>
                {
                    lock (_lock)
                    {
                        _clients.Remove(t);
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken stopping)
    {
        await Task.Yield();
        var stream = new NetworkStream(client, ownsSocket: true);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[MaxLineBytes + 1];
            var length = 0;
            try
            {
                while (true)
                {
                    var read = await stream.ReadAsync(buffer.AsMemory(length), stopping).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return;
                    }

                    length += read;
                    int newline;
                    while ((newline = Array.IndexOf(buffer, (byte)'\n', 0, length)) >= 0)
                    {
                        var line = Encoding.ASCII.GetString(buffer, 0, newline).TrimEnd('\r');
                        var reply = Encoding.ASCII.GetBytes(Execute(line) + "\n");
                        await stream.WriteAsync(reply, stopping).ConfigureAwait(false);
                        length -= newline + 1;
                        Buffer.BlockCopy(buffer, newline + 1, buffer, 0, length);
                    }

                    if (length == buffer.Length)
                    {
                        var reply = Encoding.ASCII.GetBytes($"err line longer than {MaxLineBytes} bytes\n");
                        await stream.WriteAsync(reply, stopping).ConfigureAwait(false);
                        return;
                    }
                }
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                // Shutting down: the client sees the connection close.
            }
            catch (IOException ex)
            {
                Log.SimClientFailed(_logger, ex);
            }
            catch (SocketException ex)
            {
                Log.SimClientFailed(_logger, ex);
            }
        }
    }

    private void TryDeleteSocketFile()
    {
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
            // Best effort: the next start removes a stale file anyway.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
