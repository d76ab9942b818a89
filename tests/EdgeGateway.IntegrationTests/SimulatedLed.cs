using System.Globalization;
using EdgeGateway.TestKit;

namespace EdgeGateway.IntegrationTests;

/// <summary>A gateway's status LED read through its simulated GPIO: how often it switched, and whether it is steady on.</summary>
public static class SimulatedLed
{
    /// <summary>How often the gateway switched <paramref name="pin"/> within <paramref name="window"/>.</summary>
    public static async Task<long> WritesWithinAsync(GatewayProcess gateway, int pin, TimeSpan window)
    {
        var before = await WritesAsync(gateway, pin);
        await Task.Delay(window, TimeProvider.System);
        return await WritesAsync(gateway, pin) - before;
    }

    /// <summary>Waits until the LED is on and stays untouched for a second (the fast blink switches it every 200 ms).</summary>
    public static async Task WaitForSteadyAsync(GatewayProcess gateway, int pin, TimeSpan timeout)
    {
        var start = TimeProvider.System.GetTimestamp();
        while (!(await gateway.SimAsync($"get {pin}") == "high" && await WritesWithinAsync(gateway, pin, TimeSpan.FromSeconds(1)) == 0
            && await gateway.SimAsync($"get {pin}") == "high"))
        {
            if (TimeProvider.System.GetElapsedTime(start) > timeout)
            {
                throw new TimeoutException($"the status LED did not go steady on within {timeout}:\n{gateway.Output}");
            }
        }
    }

    private static async Task<long> WritesAsync(GatewayProcess gateway, int pin) =>
        long.Parse(await gateway.SimAsync($"writes {pin}"), CultureInfo.InvariantCulture);
}
