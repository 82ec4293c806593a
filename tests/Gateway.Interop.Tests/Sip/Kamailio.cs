using System.Diagnostics;
using Gateway.Tests.Shared;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Sip;

/// <summary>
/// Debian's kamailio as a private process on a loopback UDP port (-DD -E: in the foreground, logging to stderr; its
/// runtime and working directories and pid file in a temporary folder). Its log lines are kept for the test to wait on
/// and written to the test output on dispose. Dispose kills it (only this process, by its id).
/// </summary>
public sealed class Kamailio : IAsyncDisposable
{
    public const string Path = "/usr/sbin/kamailio";

    private readonly Process _process;
    private readonly ITestOutputHelper _output;
    private readonly List<string> _lines = [];
    private readonly SemaphoreSlim _changed = new(0);
    private bool _disposed;

    public int Port { get; }

    private Kamailio(Process process, ITestOutputHelper output, int port)
    {
        _process = process;
        _output = output;
        Port = port;
    }

    public static bool IsAvailable(ITestOutputHelper output)
    {
        if (File.Exists(Path)) return true;
        throw MissingPeer.Skip(output, "kamailio (apt-get install kamailio)");
    }

    /// <summary>Starts kamailio with a config under Sip/kamailio (or at a full path) on 127.0.0.1:<paramref name="port"/>; returns once it listens.</summary>
    public static async Task<Kamailio> StartAsync(ITestOutputHelper output, string config, int port, params string[] defines)
    {
        var work = Directory.CreateTempSubdirectory("kamailio-").FullName;
        var info = new ProcessStartInfo(Path)
        {
            WorkingDirectory = work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-f", System.IO.Path.IsPathRooted(config) ? config : System.IO.Path.Combine(AppContext.BaseDirectory, "Sip", "kamailio", config), "-l", $"udp:127.0.0.1:{port}",
                     "-DD", "-E", "-Y", work, "-w", work, "-P", System.IO.Path.Combine(work, "kamailio.pid") })
            info.ArgumentList.Add(arg);
        foreach (var define in defines) { info.ArgumentList.Add("-A"); info.ArgumentList.Add(define); } // #!ifdef in the config
        var kamailio = new Kamailio(Process.Start(info) ?? throw new InvalidOperationException("kamailio did not start"), output, port);
        kamailio._process.OutputDataReceived += (_, e) => kamailio.Append(e.Data);
        kamailio._process.ErrorDataReceived += (_, e) => kamailio.Append(e.Data);
        kamailio._process.BeginOutputReadLine();
        kamailio._process.BeginErrorReadLine();
        output.WriteLine($"kamailio pid {kamailio._process.Id} on udp 127.0.0.1:{port}, folder {work}");
        await kamailio.WaitForAsync(l => l.Contains("SO_RCVBUF is finally", StringComparison.Ordinal), 0, TimeSpan.FromSeconds(10));
        return kamailio;
    }

    /// <summary>How many log lines there are so far (a start index for <see cref="WaitForAsync"/>).</summary>
    public int LineCount { get { lock (_lines) return _lines.Count; } }

    public IReadOnlyList<string> Lines(Func<string, bool> match) { lock (_lines) return [.. _lines.Where(match)]; }

    /// <summary>Waits for a log line from index <paramref name="from"/> on that matches; returns it.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> match, int from, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            lock (_lines)
                for (var i = from; i < _lines.Count; i++)
                    if (match(_lines[i])) return _lines[i];
            if (_process.HasExited) throw new InvalidOperationException($"kamailio exited with {_process.ExitCode}:\n{Tail()}");
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"kamailio log line not seen within {timeout}:\n{Tail()}");
            await _changed.WaitAsync(left);
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_lines) _lines.Add(line);
        _changed.Release();
    }

    private string Tail()
    {
        lock (_lines) return string.Join("\n", _lines.TakeLast(60));
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (!_process.HasExited)
        {
            try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await _process.WaitForExitAsync(cts.Token); } catch (OperationCanceledException) { }
        }
        _output.WriteLine($"--- kamailio log (tail) ---\n{Tail()}");
        _process.Dispose();
    }
}
