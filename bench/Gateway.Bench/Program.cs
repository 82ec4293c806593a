using BenchmarkDotNet.Running;

// Run all: dotnet run -c Release --project bench/Gateway.Bench -- --filter '*'
// One area: --filter '*Sip*'. Results go to docs/benchmarks.md with the command that produced them.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
