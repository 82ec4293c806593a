using System.Diagnostics;
using System.Net.Http;
using Gateway.Interop.Tests.Sip;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>
/// The real gateway as a child process (<c>dotnet gateway.dll</c>) on free loopback ports, configured on the command
/// line with the fixed keys of the brief. Its stdout/stderr go to a log file whose path and tail are written to the
/// test output on dispose (xunit shows them when the test fails). Dispose kills the process tree.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly ITestOutputHelper _output;
    private readonly Lock _logLock = new();
    private bool _disposed;

    public int HttpPort { get; }
    public int SipPort { get; }
    public int MediaPortMin { get; }
    public int MediaPortMax { get; }
    public string WorkDirectory { get; }
    public string LogPath { get; }
    public string CdrPath { get; }
    public string DialplanPath { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public Uri BaseUri => new($"http://127.0.0.1:{HttpPort}/");
    public Uri WebSocketUri => new($"ws://127.0.0.1:{HttpPort}/ws");
    public HttpClient Http { get; }

    private GatewayProcess(ITestOutputHelper output, Process process, StreamWriter log, int httpPort, int sipPort, int mediaMin, int mediaMax,
        string work, string logPath, string cdrPath, string dialplanPath)
    {
        _output = output;
        _process = process;
        _log = log;
        HttpPort = httpPort;
        SipPort = sipPort;
        MediaPortMin = mediaMin;
        MediaPortMax = mediaMax;
        WorkDirectory = work;
        LogPath = logPath;
        CdrPath = cdrPath;
        DialplanPath = dialplanPath;
        Http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>
    /// Starts the gateway with the test dialplan <paramref name="dialplanTemplate"/> (a file under Gateway/Scenarios whose
    /// <c>{{NAME}}</c> placeholders are replaced from <paramref name="placeholders"/>) and extra configuration keys.
    /// Returns once GET /healthz answers 200. <paramref name="environment"/> adds variables to the process (a GC heap limit).
    /// </summary>
    public static async Task<GatewayProcess> StartAsync(ITestOutputHelper output, string dialplanTemplate,
        IReadOnlyDictionary<string, string>? placeholders = null, IReadOnlyDictionary<string, string>? settings = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        // A free port picked here can be taken by a parallel test before the gateway binds it: the gateway then exits
        // with its one-line "address already in use", and a start on fresh ports follows (at most three tries).
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(output, dialplanTemplate, placeholders, settings, environment);
            }
            catch (InvalidOperationException e) when (attempt < 3 && e.Message.Contains("address already in use", StringComparison.Ordinal))
            {
                output.WriteLine($"gateway start {attempt}: a port was taken meanwhile; retrying on fresh ports");
            }
        }
    }

    private static async Task<GatewayProcess> StartOnceAsync(ITestOutputHelper output, string dialplanTemplate,
        IReadOnlyDictionary<string, string>? placeholders, IReadOnlyDictionary<string, string>? settings,
        IReadOnlyDictionary<string, string>? environment)
    {
        var dll = GatewayDll.Value;
        var work = Directory.CreateTempSubdirectory("gateway-e2e-").FullName;
        var dialplan = File.ReadAllText(TestPaths.Scenario(dialplanTemplate));
        foreach (var (name, value) in placeholders ?? new Dictionary<string, string>())
            dialplan = dialplan.Replace("{{" + name + "}}", value, StringComparison.Ordinal);
        var dialplanPath = Path.Combine(work, "dialplan.yaml");
        File.WriteAllText(dialplanPath, dialplan);
        var logPath = Path.Combine(work, "gateway.log");
        var cdrPath = Path.Combine(work, "cdr.jsonl");
        var httpPort = Sipp.FreePort();
        var sipPort = Sipp.FreePort();
        // Below the kernel's ephemeral range (32768+) so a free port picked by another test rarely lands in it.
        var mediaMin = 20000 + Random.Shared.Next(0, 120) * 100;
        var mediaMax = mediaMin + 99;

        var config = new Dictionary<string, string>
        {
            ["Gateway:HttpPort"] = $"{httpPort}",
            ["Gateway:HttpsPort"] = "0",
            ["Sip:ListenAddress"] = "127.0.0.1",
            ["Sip:UdpPort"] = $"{sipPort}",
            ["Sip:TcpPort"] = $"{sipPort}",
            ["Sip:PublicAddress"] = "127.0.0.1",
            ["Media:BindAddress"] = "127.0.0.1",
            ["Media:PublicAddress"] = "127.0.0.1",
            ["Media:PortMin"] = $"{mediaMin}",
            ["Media:PortMax"] = $"{mediaMax}",
            ["Dialplan:File"] = dialplanPath,
            ["Cdr:Path"] = cdrPath,
            ["Signaling:AllowLoopbackWithoutToken"] = "true",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) config[key] = value;

        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--contentRoot");
        info.ArgumentList.Add(Path.GetDirectoryName(dll)!);
        foreach (var (key, value) in config) info.ArgumentList.Add($"--{key}={value}");
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        info.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;

        var log = new StreamWriter(logPath) { AutoFlush = true };
        log.WriteLine($"# {info.FileName} {string.Join(' ', info.ArgumentList)}");
        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var gateway = new GatewayProcess(output, process, log, httpPort, sipPort, mediaMin, mediaMax, work, logPath, cdrPath, dialplanPath);
        process.OutputDataReceived += (_, e) => gateway.Append(e.Data);
        process.ErrorDataReceived += (_, e) => gateway.Append(e.Data is null ? null : "stderr: " + e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output.WriteLine($"gateway pid {process.Id}: http {httpPort}, sip {sipPort}, media {mediaMin}-{mediaMax}, log {logPath}");

        try
        {
            await gateway.WaitHealthyAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
        return gateway;
    }

    private static readonly Lazy<string> GatewayDll = new(TestPaths.GatewayDll);

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_logLock)
        {
            try { _log.WriteLine(line); } catch (ObjectDisposedException) { }
        }
    }

    private async Task WaitHealthyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"gateway exited with {_process.ExitCode} before /healthz answered; log {LogPath}:\n{Tail()}");
            try
            {
                using var response = await Http.GetAsync("healthz");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"gateway /healthz not up after {timeout}; log {LogPath}:\n{Tail()}");
    }

    public async Task<string> GetMetricsAsync()
    {
        using var response = await Http.GetAsync("metrics");
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The call detail records written so far (one JSON object per line).</summary>
    public string[] ReadCdrLines()
    {
        if (!File.Exists(CdrPath)) return [];
        using var stream = new FileStream(CdrPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>Resident set size of the gateway process (VmRSS of /proc/pid/status), in bytes.</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        return 0;
    }

    public string Tail(int chars = 8000)
    {
        lock (_logLock)
        {
            try
            {
                using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var reader = new StreamReader(stream);
                var text = reader.ReadToEnd();
                return text.Length <= chars ? text : text[^chars..];
            }
            catch (IOException e) { return $"(log unreadable: {e.Message})"; }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return; // a test may kill a node before the cluster disposes them all
        _disposed = true;
        Http.Dispose();
        if (!_process.HasExited)
        {
            try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await _process.WaitForExitAsync(cts.Token); } catch (OperationCanceledException) { }
        }
        _output.WriteLine($"--- gateway log {LogPath} (tail) ---\n{Tail()}");
        lock (_logLock) _log.Dispose();
        _process.Dispose();
    }
}
