using System.Diagnostics;
using System.Security.Cryptography;

namespace Gateway.Fuzz.Engine;

/// <summary>
/// The in-process fuzz loop: seeds from the checked-in corpus, havoc mutations, and (when the Gateway assemblies were
/// instrumented by <c>instrument</c>) AFL edge coverage deciding which mutants join the corpus. A crash is any exception
/// out of the target: the input is saved under the crash folder and the loop goes on. A hang is an input still running
/// after the timeout: it is saved and the process exits, as the loop cannot take the thread back.
/// </summary>
public sealed class MutationLoop(FuzzTarget target, MutationLoop.Settings settings)
{
    public sealed record Settings(IReadOnlyList<string> CorpusDirectories, string WorkDirectory, string CrashDirectory,
        TimeSpan Duration, long MaxInputs, int Seed, TimeSpan HangTimeout);

    private readonly List<byte[]> _corpus = [];
    private readonly HashSet<string> _crashSignatures = [];
    private long _inputs;
    private volatile byte[] _current = [];

    public FuzzReport Run()
    {
        Directory.CreateDirectory(settings.WorkDirectory);
        Directory.CreateDirectory(settings.CrashDirectory);
        using var coverage = new CoverageMap();
        var crashes = 0;
        var clock = Stopwatch.StartNew();
        using var watchdog = StartWatchdog(clock);

        foreach (var seed in LoadSeeds())
        {
            coverage.Reset();
            if (Execute(seed)) crashes++;
            coverage.TakeNewCoverage();
            _corpus.Add(seed);
        }
        if (_corpus.Count == 0) _corpus.Add([]);
        var instrumented = coverage.EdgeCount > 0;
        Console.WriteLine($"{target.Name}: {_corpus.Count} seeds, coverage {(instrumented ? $"on ({coverage.EdgeCount} edges)" : "off (assemblies not instrumented: blind mutation)")}");

        var random = new Random(settings.Seed);
        var mutator = new Mutator(random, target.Dictionary, target.MaxLength);
        var nextStatus = TimeSpan.FromSeconds(30);
        while (clock.Elapsed < settings.Duration && _inputs < settings.MaxInputs)
        {
            var parent = _corpus[random.Next(_corpus.Count)];
            var input = mutator.Mutate(parent, _corpus[random.Next(_corpus.Count)]);
            coverage.Reset();
            if (Execute(input)) { crashes++; continue; }
            if (instrumented && coverage.TakeNewCoverage()) Keep(input);
            if (clock.Elapsed >= nextStatus)
            {
                Console.WriteLine($"  {target.Name}: {_inputs} inputs, {clock.Elapsed.TotalSeconds:F0} s, corpus {_corpus.Count}, edges {coverage.EdgeCount}, crashes {crashes}");
                nextStatus += TimeSpan.FromSeconds(30);
            }
        }
        if (crashes > 0) Console.WriteLine($"  {target.Name}: {crashes} crashing inputs, {_crashSignatures.Count} distinct");
        return new FuzzReport(target.Name, _inputs, clock.Elapsed, _crashSignatures.Count, 0, _corpus.Count, coverage.EdgeCount);
    }

    /// <summary>Runs one input; true when it crashed (saved once per distinct exception and place).</summary>
    private bool Execute(byte[] input)
    {
        _current = input;
        _inputs++;
        try
        {
            target.Run(input);
            return false;
        }
        catch (Exception e)
        {
            // One reproducer per distinct exception type and place (a message, for invariants): a bug hit by
            // thousands of mutants is saved once.
            var signature = e.GetType().FullName + " at " + FirstFrame(e) + (e is Targets.FuzzInvariantException ? ": " + e.Message[..Math.Min(e.Message.Length, 40)] : "");
            if (!_crashSignatures.Add(signature)) return true;
            var path = Path.Combine(settings.CrashDirectory, $"crash-{Hash(input)}");
            File.WriteAllBytes(path, input);
            Console.WriteLine($"CRASH {target.Name}: {signature}\n  {e.Message}\n  saved {path}\n{e.StackTrace}");
            return true;
        }
    }

    private void Keep(byte[] input)
    {
        _corpus.Add(input);
        File.WriteAllBytes(Path.Combine(settings.WorkDirectory, Hash(input)), input);
    }

    private IEnumerable<byte[]> LoadSeeds() =>
        settings.CorpusDirectories.Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d).Order(StringComparer.Ordinal))
            .Where(f => !Path.GetFileName(f).StartsWith('.') && !f.EndsWith(".md", StringComparison.Ordinal))
            .Select(File.ReadAllBytes)
            .Where(b => b.Length <= target.MaxLength);

    /// <summary>Saves the running input as a hang and exits when the input counter stops moving for the timeout.</summary>
    private Timer StartWatchdog(Stopwatch clock)
    {
        var lastInputs = -1L;
        var since = TimeSpan.Zero;
        return new Timer(_ =>
        {
            var now = Interlocked.Read(ref _inputs);
            if (now != lastInputs) { lastInputs = now; since = clock.Elapsed; return; }
            if (clock.Elapsed - since < settings.HangTimeout) return;
            var input = _current;
            var path = Path.Combine(settings.CrashDirectory, $"hang-{Hash(input)}");
            File.WriteAllBytes(path, input);
            Console.WriteLine($"HANG {target.Name}: an input ran for more than {settings.HangTimeout.TotalSeconds:F0} s, saved {path}");
            Console.WriteLine(new FuzzReport(target.Name, now, clock.Elapsed, _crashSignatures.Count, 1, _corpus.Count, 0));
            Environment.Exit(3);
        }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    private static string FirstFrame(Exception e) =>
        new StackTrace(e, false).GetFrames().Select(f => f.GetMethod()).FirstOrDefault(m => m?.DeclaringType?.Namespace?.StartsWith("Gateway", StringComparison.Ordinal) == true) is { } m
            ? m.DeclaringType!.Name + "." + m.Name
            : "?";

    private static string Hash(byte[] input) => Convert.ToHexStringLower(SHA1.HashData(input))[..16];
}
