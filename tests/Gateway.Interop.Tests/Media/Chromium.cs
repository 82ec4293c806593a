using Gateway.Tests.Shared;
using System.Diagnostics;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Media;

/// <summary>
/// Runs a node driver (playwright-core) that launches Debian's /usr/bin/chromium. Under CI (CI=true) a missing
/// browser, node or playwright-core is a failure; on a developer machine the test returns early and says why.
/// </summary>
public static class Chromium
{
    public const string BrowserPath = "/usr/bin/chromium";

    /// <summary>tests/Gateway.Interop.Tests/js, found upwards from the test binaries.</summary>
    public static string JsDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "Gateway.Interop.Tests", "js");
                if (Directory.Exists(candidate)) return candidate;
            }
            throw new DirectoryNotFoundException("tests/Gateway.Interop.Tests/js not found above " + AppContext.BaseDirectory);
        }
    }

    public static bool IsAvailable(ITestOutputHelper output)
    {
        string? missing = null;
        if (!File.Exists(BrowserPath)) missing = "chromium (apt-get install chromium)";
        else if (FindNode() is null) missing = "node";
        else if (!Directory.Exists(Path.Combine(JsDirectory, "node_modules", "playwright-core")) && !NpmCi(output))
            missing = "playwright-core (npm ci in tests/Gateway.Interop.Tests/js failed)";
        if (missing is null) return true;
        throw MissingPeer.Skip(output, missing);
    }

    private static string? FindNode() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "node")).FirstOrDefault(File.Exists);

    private static bool NpmCi(ITestOutputHelper output)
    {
        var result = RunAsync("npm", "ci --no-audit --no-fund --loglevel=error", JsDirectory, TimeSpan.FromMinutes(3)).GetAwaiter().GetResult();
        output.WriteLine("npm ci: " + result.Output);
        return result.ExitCode == 0;
    }

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string Output => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }

    /// <summary>Runs node on a driver script in the js directory; killed after <paramref name="timeout"/>.</summary>
    public static Task<Result> RunNodeAsync(string script, string arguments, TimeSpan timeout) =>
        RunAsync(FindNode() ?? "node", $"{script} {arguments}", JsDirectory, timeout);

    private static async Task<Result> RunAsync(string file, string arguments, string workingDirectory, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
