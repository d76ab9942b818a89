using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Hardware;
using Microsoft.Extensions.Configuration;

namespace EdgeGateway.Host.Cli;

/// <summary><c>edge-gateway sim --config FILE set 17 low</c> / <c>get 17</c>: drives the simulated GPIO of a running gateway.</summary>
public static class SimCommand
{
    public static async Task<int> RunAsync(string configFile, string verb, int pin, string? level, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var configuration = GatewayConfiguration.Load(configFile);
        var gpio = configuration.GetSection(GpioOptions.Section).Get<GpioOptions>() ?? new GpioOptions();
        var gateway = configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
        var socketPath = gpio.ResolveSimSocket(gateway.DataDirectory);
        try
        {
            await using var client = await SimulatedGpioClient.ConnectAsync(socketPath, cancellationToken);
            var reply = verb switch
            {
                "set" when level is "high" or "low" => await client.SendAsync($"set {pin} {level}", cancellationToken),
                "get" => await client.SendAsync($"get {pin}", cancellationToken),
                _ => "err usage: sim set <pin> high|low | sim get <pin>",
            };
            output.WriteLine(reply);
            return reply.StartsWith("err", StringComparison.Ordinal) ? 1 : 0;
        }
        catch (SimulatedGpioException ex)
        {
            output.WriteLine(ex.Message);
            return 1;
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            error.WriteLine($"edge-gateway sim: cannot reach {socketPath} ({ex.Message}); is the gateway running with Gpio:Driver = simulated?");
            return 69;
        }
    }
}
