using System.Globalization;

// The benchmark suite (docs/performance.md):
//   dotnet run -c Release --project bench/EdgeGateway.Bench -- suite            full run, writes docs/performance.md
//   dotnet run -c Release --project bench/EdgeGateway.Bench -- suite --smoke    about a minute, prints only
//   dotnet run -c Release --project bench/EdgeGateway.Bench -- io [alarms]      outbox store bytes and fsyncs only
//   dotnet run -c Release --project bench/EdgeGateway.Bench -- storedrain [n]   the store's share of a drain, by remove batch size
//   dotnet run -c Release --project bench/EdgeGateway.Bench -- drainprofile [n] [--no-strace]  a drain under strace: journal writes and fsyncs per event
//   dotnet run -c Release --project bench/EdgeGateway.Bench -- health [backlog] [samples]     one health snapshot + payload over a backlog
//   dotnet run -c Release --project bench/EdgeGateway.Bench -- soak [minutes] [NAME=VALUE…]  RSS and managed heap over time (default an hour); NAME=VALUE for the gateway's environment
//   dotnet run -c Release --project bench/EdgeGateway.Bench -- sdbudget [minutes]     bytes written and logged per day for a typical school
//   dotnet run -c Release --project bench/EdgeGateway.Bench -- drain [events] [runs] [NAME=VALUE…]  the suite's drain rows only (medians, ratios to the same run's bare loop)
//   dotnet run -c Release --project bench/EdgeGateway.Bench -- press [presses] [runs] [NAME=VALUE…]  the press → center row only, beside the bare relay; NAME=VALUE for the gateway's environment
//   (relay SOCKET PORT DIRECTORY: the bare relay process that the press rows start; not for use by hand)
if (args.Length > 0 && args[0] == "io")
{
    var io = StoreIoBench.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000, 100, 10);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"per alarm: {io.BytesPerAlarm / 1024:0.00} KiB, {io.FsyncsPerAlarm:0.00} fsyncs; per telemetry event (batches of {io.Batch}): {io.BytesPerTelemetry / 1024:0.00} KiB, {io.FsyncsPerTelemetry:0.000} fsyncs"));
    return 0;
}

if (args.Length > 0 && args[0] == "storedrain")
{
    StoreDrainBench.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000);
    return 0;
}

if (args.Length > 0 && args[0] == "drainprofile")
{
    await DrainBench.ProfileAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000, Path.Combine(AppContext.BaseDirectory, "edge-gateway.dll"), strace: !args.Contains("--no-strace"));
    return 0;
}

if (args.Length > 0 && args[0] == "health")
{
    HealthBench.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000, args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1000);
    return 0;
}

if (args.Length > 0 && args[0] == "soak")
{
    var environment = GatewayEnvironment(args);
    var minutes = args.Skip(1).FirstOrDefault(a => !a.Contains('=', StringComparison.Ordinal));
    return await SoakBench.SoakAsync(minutes is null ? 60 : double.Parse(minutes, CultureInfo.InvariantCulture), environment);
}

if (args.Length > 0 && args[0] == "sdbudget")
{
    return await SoakBench.SdBudgetAsync(args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 5);
}

if (args.Length > 0 && args[0] == "drain")
{
    var numbers = args.Skip(1).Where(a => !a.Contains('=', StringComparison.Ordinal)).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToList();
    return await Suite.DrainOnlyAsync(numbers.Count > 0 ? numbers[0] : 100_000, numbers.Count > 1 ? numbers[1] : 3, GatewayEnvironment(args));
}

if (args.Length > 0 && args[0] == "press")
{
    var environment = GatewayEnvironment(args);
    var numbers = args.Skip(1).Where(a => !a.Contains('=', StringComparison.Ordinal)).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToList();
    return await Suite.PressOnlyAsync(numbers.Count > 0 ? numbers[0] : 200, numbers.Count > 1 ? numbers[1] : 3, environment);
}

if (args.Length == 4 && args[0] == "relay")
{
    return await RelayBench.ServeAsync(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), args[3]);
}

if (args.Length > 0 && args[0] == "suite")
{
    return await Suite.RunAsync(args[1..]);
}

Console.Error.WriteLine("usage: EdgeGateway.Bench suite [--smoke] | soak [minutes] | sdbudget [minutes] | drain [events] [runs] | press [presses] [runs] [NAME=VALUE…] | io [alarms] | storedrain [events] | drainprofile [events] [--no-strace] | health [backlog] [samples]");
return 2;

// NAME=VALUE arguments after the command: the gateway's environment.
static Dictionary<string, string> GatewayEnvironment(string[] args) =>
    args.Skip(1).Where(a => a.Contains('=', StringComparison.Ordinal)).Select(a => a.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
