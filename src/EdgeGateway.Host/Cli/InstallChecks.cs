using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Sensors;
using EdgeGateway.Core.Sockets;
using EdgeGateway.Hardware;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Host.Cli;

/// <summary>
/// What <c>check-config</c> checks on this machine once the configuration itself is valid: the data directory can be
/// written, the local sockets' paths fit, the configured devices exist. Each problem names the key to change. The
/// running gateway does not refuse to start for these: it comes online and reports the fault.
/// </summary>
public static class InstallChecks
{
    public static List<string> Run(IServiceProvider services, DeviceRoots roots)
    {
        var gateway = services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        var gpio = services.GetRequiredService<IOptions<GpioOptions>>().Value;
        var problems = new List<string>();
        try
        {
            ProbeWrite(gateway.DataDirectory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problems.Add($"Gateway:DataDirectory: '{gateway.DataDirectory}' cannot be written: {ex.Message}");
        }

        if (SocketPath.TooLong(StatusSocket.PathFor(gateway.DataDirectory)) is { } status)
        {
            problems.Add($"Gateway:DataDirectory: the status socket {status}");
        }

        // An explicit Gpio:SimSocket is checked with the Gpio section; the default one derives from the data directory.
        if (gpio.IsSimulated && string.IsNullOrWhiteSpace(gpio.SimSocket) && SocketPath.TooLong(gpio.ResolveSimSocket(gateway.DataDirectory)) is { } sim)
        {
            problems.Add($"Gateway:DataDirectory: the simulated GPIO socket {sim}; shorten it or set Gpio:SimSocket");
        }

        problems.AddRange(DevicePresence.Missing(gpio, services.GetRequiredService<IOptions<SensorsOptions>>().Value, roots));
        return problems;
    }

    /// <summary>Creates <paramref name="directory"/> if needed and writes, fsyncs and removes a file in it; throws what failed.</summary>
    public static void ProbeWrite(string directory)
    {
        Directory.CreateDirectory(directory);
        var probe = Path.Combine(directory, $".probe-{Guid.NewGuid():N}");
        try
        {
            using var file = new FileStream(probe, FileMode.CreateNew, FileAccess.Write);
            file.Write("probe"u8);
            file.Flush(flushToDisk: true);
        }
        finally
        {
            File.Delete(probe);
        }
    }
}
