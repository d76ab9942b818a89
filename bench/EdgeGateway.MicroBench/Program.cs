using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/EdgeGateway.MicroBench -- --job short --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(EdgeGateway.MicroBench.OutboxBenchmarks).Assembly).Run(args);
