using EdgeGateway.Hardware;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Host.Cli;

/// <summary>
/// <c>edge-gateway check-config --config FILE</c>: every bad key and why, exit 78; then, for a valid configuration, the
/// <see cref="InstallChecks"/> on this machine (data directory, socket paths, devices), also exit 78; or "ok", exit 0.
/// </summary>
public static class CheckConfigCommand
{
    public static int Run(string configFile, TextWriter output, TextWriter error, DeviceRoots? devices = null)
    {
        try
        {
            using var host = GatewayHost.Build(configFile);
            host.Services.GetRequiredService<IStartupValidator>().Validate();
            if (InstallChecks.Run(host.Services, devices ?? DeviceRoots.Linux) is { Count: > 0 } problems)
            {
                return ConfigProblems.Report(problems, error);
            }
        }
        catch (Exception ex) when (ConfigProblems.From(ex) is { } problems)
        {
            return ConfigProblems.Report(problems, error);
        }

        output.WriteLine($"{configFile}: ok");
        return 0;
    }
}
