using BenchmarkDotNet.Running;

// Run all: dotnet run -c Release --project bench/Gateway.Bench -- --filter '*'
// One area: --filter '*Sip*'. Results go to docs/benchmarks.md with the command that produced them.
// CPU time of a transcoded call (not BenchmarkDotNet): -- transcoding-cpu [seconds]
if (args.Length > 0 && args[0] == "transcoding-cpu") { Gateway.Bench.Media.TranscodingCpu.Run(args); return; }
// Managed memory of N registrar bindings (not BenchmarkDotNet): -- registrar-memory [bindings]
if (args.Length > 0 && args[0] == "registrar-memory") { Gateway.Bench.Sip.RegistrarMemory.Run(args); return; }
// The cluster's presence lookup per INVITE against a real Redis (not BenchmarkDotNet): -- presence-lookup <redis> [lookups]
if (args.Length > 0 && args[0] == "presence-lookup") { Gateway.Bench.Cluster.PresenceLookup.Run(args); return; }
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
