using Gateway.Tests.Shared;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Media;

/// <summary>
/// Debian's firefox-esr, headless, with a fresh profile (js/firefox-user.js: fake microphone, no permission prompt,
/// loopback ICE candidates, no updates, telemetry or background traffic). playwright-core cannot drive Debian's Firefox,
/// so the page runs by itself (<see cref="MediaTestPage"/> ?autorun) and posts its result to the test.
/// Firefox runs in its own session (setsid), so disposing kills every process it started, then deletes the profile.
/// </summary>
internal sealed partial class Firefox : IAsyncDisposable
{
    public const string BrowserPath = "/usr/bin/firefox-esr";
    private const int SigKill = 9;

    private readonly Process _process;
    private readonly string _home;
    private readonly Task _pump;
    private readonly StreamWriter _log;
    private int _disposed;

    private Firefox(Process process, string home, string logPath, StreamWriter log, Task pump)
    {
        _process = process;
        _home = home;
        LogPath = logPath;
        _log = log;
        _pump = pump;
    }

    /// <summary>Firefox's stdout and stderr (page console lines included); kept after the test for a look on failure.</summary>
    public string LogPath { get; }

    /// <summary>Completes if Firefox exits on its own (a crash or a refused start).</summary>
    public Task Exited => _process.WaitForExitAsync();

    /// <summary>Under CI (CI=true) a missing firefox-esr is a failure; on a developer machine the test returns early and says why.</summary>
    public static bool IsAvailable(ITestOutputHelper output)
    {
        if (File.Exists(BrowserPath)) return true;
        const string missing = "firefox-esr (apt-get install --no-install-recommends firefox-esr)";
        throw MissingPeer.Skip(output, missing);
    }

    /// <summary>Starts headless Firefox on <paramref name="url"/> with a fresh profile in a new temporary directory.</summary>
    public static Firefox Launch(string url)
    {
        var home = Directory.CreateTempSubdirectory("gateway-firefox-").FullName;
        var profile = Path.Combine(home, "profile");
        Directory.CreateDirectory(profile);
        File.Copy(Path.Combine(Chromium.JsDirectory, "firefox-user.js"), Path.Combine(profile, "user.js"));
        var logPath = home + ".log";

        var info = new ProcessStartInfo("/usr/bin/setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = home,
        };
        foreach (var arg in new[] { BrowserPath, "--headless", "--no-remote", "--profile", profile, url }) info.ArgumentList.Add(arg);
        // Everything Firefox writes outside the profile stays in the temporary directory too.
        info.Environment["HOME"] = home;
        info.Environment["XDG_CACHE_HOME"] = Path.Combine(home, "cache");
        info.Environment["XDG_CONFIG_HOME"] = Path.Combine(home, "config");
        info.Environment["TMPDIR"] = home;
        // Mozilla's test-harness switch: any connection to a non-local address is refused (and remote settings honour
        // the profile's dummy server), so the browser stays on 127.0.0.1 like every test here.
        info.Environment["MOZ_DISABLE_NONLOCAL_CONNECTIONS"] = "1";
        info.Environment["MOZ_CRASHREPORTER_DISABLE"] = "1";
        info.Environment["MOZ_DISABLE_AUTO_SAFE_MODE"] = "1";
        info.Environment.Remove("DISPLAY");
        info.Environment.Remove("WAYLAND_DISPLAY");

        var log = new StreamWriter(logPath) { AutoFlush = true };
        log.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} setsid {string.Join(' ', info.ArgumentList)}");
        var process = Process.Start(info)!;
        var pump = Task.WhenAll(PumpAsync(process.StandardOutput, log), PumpAsync(process.StandardError, log));
        return new Firefox(process, home, logPath, log, pump);
    }

    private static async Task PumpAsync(StreamReader from, StreamWriter to)
    {
        try
        {
            while (await from.ReadLineAsync() is { } line)
                lock (to) to.WriteLine(line);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException) { }
    }

    /// <summary>The last lines of the output log, for a failure message.</summary>
    public string Tail(int lines = 40)
    {
        try
        {
            lock (_log) _log.Flush();
            using var reader = new StreamReader(new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException e) { return $"(log unreadable: {e.Message})"; }
    }

    /// <summary>Kills Firefox's whole process group (setsid made the browser its leader), then deletes the profile.
    /// The output log is deleted too unless <paramref name="keepLog"/>.</summary>
    public async ValueTask DisposeAsync(bool keepLog)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        // setsid (not a group leader when started) execs Firefox as the leader of a new session and process group whose
        // id is this pid: the content, GPU, socket and utility processes are all in it, even if the parent died first.
        _ = KillProcessGroup(-_process.Id, SigKill); // -1 (ESRCH) once the group is gone
        try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } // already gone
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            try { await _process.WaitForExitAsync(cts.Token); } catch (OperationCanceledException) { }
            try { await _pump.WaitAsync(cts.Token); } catch (OperationCanceledException) { }
        }
        _process.Dispose();
        lock (_log) _log.Dispose();
        for (int attempt = 0; attempt < 5 && Directory.Exists(_home); attempt++)
        {
            try { Directory.Delete(_home, recursive: true); }
            catch (IOException) { await Task.Delay(200); } // a dying child may still be writing
            catch (UnauthorizedAccessException) { await Task.Delay(200); }
        }
        if (!keepLog) File.Delete(LogPath);
    }

    public ValueTask DisposeAsync() => DisposeAsync(keepLog: false);

    /// <summary>kill(2) with a negative pid: the signal goes to every process of that group.</summary>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillProcessGroup(int negativePgid, int signal);
}
