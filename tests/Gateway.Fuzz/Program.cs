using Gateway.Fuzz.Engine;

namespace Gateway.Fuzz;

/// <summary>
/// Entry point (scripts/fuzz.sh is the usual way in):
///   list                                   the targets
///   instrument DIR                         SharpFuzz-instrument the Gateway assemblies in DIR (a copy of the build output)
///   run TARGET [SECONDS] [MAX_INPUTS] [SEED] the in-process loop; corpus from tests/fuzz/TARGET, work in artifacts/fuzz
///   replay TARGET FILE...                  run files once each (a crash reproducer), exit 1 on any exception
///   afl TARGET                             SharpFuzz's AFL++ forkserver mode (afl-fuzz ... -- dotnet Gateway.Fuzz.dll afl TARGET)
///   libfuzzer TARGET                       SharpFuzz's libFuzzer mode (needs a libfuzzer-dotnet driver)
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0) return Usage();
        if (args[0] == "list") { foreach (var t in FuzzTargets.All) Console.WriteLine(t.Name); return 0; }
        if (args[0] == "instrument" && args.Length == 2) return Instrumenter.Instrument(args[1]);
        if (args.Length < 2) return Usage();
        if (FuzzTargets.Find(args[1]) is not { } target) { Console.Error.WriteLine($"unknown target '{args[1]}'"); return Usage(); }
        return args[0] switch
        {
            "run" => Run(target, args),
            "replay" => Replay(target, args[2..]),
            "afl" => RunAfl(target),
            "libfuzzer" => RunLibFuzzer(target),
            _ => Usage(),
        };
    }

    private static int Run(FuzzTarget target, string[] args)
    {
        var seconds = args.Length > 2 ? int.Parse(args[2]) : 60;
        var maxInputs = args.Length > 3 ? long.Parse(args[3]) : long.MaxValue;
        var seed = args.Length > 4 ? int.Parse(args[4]) : Environment.TickCount;
        var root = Gateway.Tests.Shared.Conformance.RepoRoot;
        var work = Environment.GetEnvironmentVariable("GATEWAY_FUZZ_WORK") is { Length: > 0 } w ? w : Path.Combine(root, "artifacts", "fuzz");
        var settings = new MutationLoop.Settings(
            [Path.Combine(root, "tests", "fuzz", target.Name), Path.Combine(work, "corpus", target.Name)],
            Path.Combine(work, "corpus", target.Name), Path.Combine(work, "crashes", target.Name),
            TimeSpan.FromSeconds(seconds), maxInputs, seed, TimeSpan.FromSeconds(HangSeconds()));
        Console.WriteLine($"{target.Name}: {seconds} s, seed {seed}, work {work}");
        var report = new MutationLoop(target, settings).Run();
        Console.WriteLine(report);
        return report.Crashes == 0 ? 0 : 1;
    }

    /// <summary>FUZZ_HANG_SECONDS, default 60: generous, as the first inputs also pay for JIT on a shared, niced machine.</summary>
    private static int HangSeconds() =>
        int.TryParse(Environment.GetEnvironmentVariable("FUZZ_HANG_SECONDS"), out var s) && s > 0 ? s : 60;

    private static int Replay(FuzzTarget target, string[] files)
    {
        var failed = 0;
        foreach (var file in files)
        {
            try
            {
                target.Run(File.ReadAllBytes(file));
                Console.WriteLine($"ok    {file}");
            }
            catch (Exception e)
            {
                failed++;
                Console.WriteLine($"CRASH {file}: {e}");
            }
        }
        return failed == 0 ? 0 : 1;
    }

    private static int RunAfl(FuzzTarget target)
    {
        SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            target.Run(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        });
        return 0;
    }

    private static int RunLibFuzzer(FuzzTarget target)
    {
        SharpFuzz.Fuzzer.LibFuzzer.Run(span => target.Run(span));
        return 0;
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: Gateway.Fuzz list | instrument DIR | run TARGET [SECONDS] [MAX_INPUTS] [SEED] | replay TARGET FILE... | afl TARGET | libfuzzer TARGET");
        return 2;
    }
}
