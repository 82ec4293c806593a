using Gateway.Tests.Shared;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>
/// Drives headless /usr/bin/chromium through js/gateway-driver.mjs (playwright-core), one JSON command per line.
/// Every command has a hard timeout on both sides; dispose quits the driver and kills it if it lingers. The driver's
/// stderr (page console, WebSocket frames, errors) goes to a log file whose path and tail are printed on dispose.
/// </summary>
public sealed class ChromiumDriver : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private readonly Process _process;
    private readonly ITestOutputHelper _output;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly StreamWriter _log;
    private readonly Lock _logLock = new();
    private int _nextId;

    public string LogPath { get; }

    private ChromiumDriver(ITestOutputHelper output, Process process, string logPath)
    {
        _output = output;
        _process = process;
        LogPath = logPath;
        _log = new StreamWriter(logPath) { AutoFlush = true };
    }

    /// <summary>Under CI a missing Chromium or node is a failure; elsewhere the test returns early and says why.</summary>
    public static bool IsAvailable(ITestOutputHelper output)
    {
        var missing = new List<string>();
        if (!File.Exists(ChromiumPath)) missing.Add("chromium");
        if (!ModulesInstalled() && !NpmCi(output)) missing.Add("playwright-core, jssip, sip.js (npm ci)");
        if (missing.Count == 0) return true;
        throw MissingPeer.Skip(output, string.Join(", ", missing));
    }

    private static readonly Lock NpmLock = new();

    /// <summary>Every package of js/package.json is in node_modules (an older checkout's node_modules may lack a new one).</summary>
    private static bool ModulesInstalled() =>
        new[] { "playwright-core", "jssip", "sip.js" }.All(p => Directory.Exists(Path.Combine(TestPaths.JsDirectory, "node_modules", p)));

    private static bool NpmCi(ITestOutputHelper output)
    {
        lock (NpmLock)
        {
            if (ModulesInstalled()) return true;
            try
            {
                using var npm = Process.Start(new ProcessStartInfo("npm", "ci --no-audit --no-fund")
                    { WorkingDirectory = TestPaths.JsDirectory, RedirectStandardOutput = true, RedirectStandardError = true })!;
                var text = npm.StandardOutput.ReadToEndAsync();
                var err = npm.StandardError.ReadToEndAsync();
                if (!npm.WaitForExit(120_000)) npm.Kill(true);
                output.WriteLine($"npm ci: {text.Result}{err.Result}");
                return npm.HasExited && npm.ExitCode == 0;
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                output.WriteLine($"npm not runnable: {e.Message}");
                return false;
            }
        }
    }

    public static async Task<ChromiumDriver> StartAsync(ITestOutputHelper output, TimeSpan? lifetime = null)
    {
        var work = Directory.CreateTempSubdirectory("chromium-e2e-").FullName;
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = TestPaths.JsDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(TestPaths.JsDirectory, "gateway-driver.mjs"));
        info.ArgumentList.Add($"--lifetime={(int)(lifetime ?? TimeSpan.FromMinutes(3)).TotalSeconds}");
        var process = Process.Start(info) ?? throw new InvalidOperationException("node did not start");
        var driver = new ChromiumDriver(output, process, Path.Combine(work, "driver.log"));
        output.WriteLine($"chromium driver pid {process.Id}, log {driver.LogPath}");
        var ready = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        driver._pending[0] = ready;
        process.OutputDataReceived += (_, e) => driver.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => driver.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(40));
        }
        catch (TimeoutException)
        {
            await driver.DisposeAsync();
            throw new TimeoutException("Chromium driver did not start in 40 s; see its log above");
        }
        return driver;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_logLock)
        {
            try { _log.WriteLine(line); } catch (ObjectDisposedException) { }
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            foreach (var pending in _pending.Values) pending.TrySetException(new InvalidOperationException("Chromium driver exited"));
            return;
        }
        JsonObject? reply;
        try { reply = JsonNode.Parse(line) as JsonObject; }
        catch (JsonException) { Append("stdout (not JSON): " + line); return; }
        if (reply?["id"]?.GetValue<int>() is { } id && _pending.TryRemove(id, out var tcs)) tcs.TrySetResult(reply);
    }

    /// <summary>Sends one command; throws with the driver's error message if it fails or times out.</summary>
    public async Task<JsonObject> SendAsync(string op, object? args = null, TimeSpan? timeout = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var command = args is null ? new JsonObject() : JsonSerializer.SerializeToNode(args)!.AsObject();
        command["id"] = id;
        command["op"] = op;
        var limit = timeout ?? TimeSpan.FromSeconds(15);
        command["timeoutMs"] ??= (int)limit.TotalMilliseconds;
        var tcs = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = tcs;
        Append($"> {command.ToJsonString()}");
        await _process.StandardInput.WriteLineAsync(command.ToJsonString());
        await _process.StandardInput.FlushAsync();
        JsonObject reply;
        try
        {
            reply = await tcs.Task.WaitAsync(limit + TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            _pending.TryRemove(id, out _);
            throw new TimeoutException($"driver op {op} got no reply; driver log {LogPath}");
        }
        Append($"< {reply.ToJsonString()}");
        if (reply["ok"]?.GetValue<bool>() != true) throw new InvalidOperationException($"driver op {op} failed: {reply["error"]}");
        return reply["result"]?.AsObject() ?? new JsonObject();
    }

    public async Task<int> OpenAsync(Uri url) => (await SendAsync("open", new { url = url.ToString() }, TimeSpan.FromSeconds(20)))["page"]!.GetValue<int>();

    public Task FillAsync(int page, string selector, string value) => SendAsync("fill", new { page, selector, value });

    public Task ClickAsync(int page, string selector) => SendAsync("click", new { page, selector });

    public async Task<string?> StateAsync(int page) => (await SendAsync("state", new { page }))["state"]?.GetValue<string>();

    public async Task<string> WaitStateAsync(int page, TimeSpan timeout, params string[] states) =>
        (await SendAsync("waitState", new { page, states }, timeout))["state"]!.GetValue<string>();

    /// <summary>Waits for a server message of one of <paramref name="types"/> at event index >= <paramref name="from"/>.</summary>
    public async Task<(int Index, JsonObject Event)> WaitEventAsync(int page, TimeSpan timeout, int from, params string[] types)
    {
        var result = await SendAsync("waitEvent", new { page, types, from }, timeout);
        return (result["index"]!.GetValue<int>(), result["event"]!.AsObject());
    }

    public async Task<JsonArray> EventsAsync(int page) => (await SendAsync("events", new { page }))["events"]!.AsArray();

    public async Task<RtcStats?> StatsAsync(int page)
    {
        var stats = (await SendAsync("stats", new { page }))["stats"];
        return stats is null ? null : stats.Deserialize<RtcStats>(new JsonSerializerOptions { PropertyNameCaseInsensitive = true });
    }

    public async Task<JsonNode?> EvalAsync(int page, string expression) => (await SendAsync("eval", new { page, expr = expression }))["value"];

    public Task ClosePageAsync(int page) => SendAsync("closePage", new { page });

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await _process.StandardInput.WriteLineAsync("{\"id\":999999,\"op\":\"quit\"}");
                _process.StandardInput.Close();
            }
        }
        catch (IOException) { }
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            try { await _process.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); await _process.WaitForExitAsync(); }
        }
        string text;
        lock (_logLock)
        {
            _log.Dispose();
            text = File.ReadAllText(LogPath);
        }
        _output.WriteLine($"--- chromium driver log {LogPath} (tail) ---\n{(text.Length <= 8000 ? text : text[^8000..])}");
        _process.Dispose();
    }
}
