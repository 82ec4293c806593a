using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Server.Tests.Hosting;

namespace Gateway.Server.Tests.Web;

/// <summary>
/// Headless Chromium (Debian's /usr/bin/chromium, never downloaded) driven over the DevTools protocol:
/// enough to open a page and evaluate expressions in it.
/// </summary>
internal sealed class ChromiumPage : IAsyncDisposable
{
    private static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        "--allow-loopback-in-peer-connection", "--disable-features=WebRtcHideLocalIpsWithMdns", "--remote-debugging-port=0", "--window-size=420,800",
    ];

    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket;
    private int _nextId;

    private ChromiumPage(Process process, string profile, ClientWebSocket socket)
    {
        _process = process;
        _profile = profile;
        _socket = socket;
    }

    public static string? Executable =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);

    public static async Task<ChromiumPage> OpenAsync(string executable, Uri url)
    {
        var profile = TempDirectory.Create();
        var start = new ProcessStartInfo(executable) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var flag in Flags)
            start.ArgumentList.Add(flag);
        start.ArgumentList.Add("--user-data-dir=" + profile);
        start.ArgumentList.Add(url.ToString());
        var process = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var port = await DevToolsPortAsync(profile, process);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            string? pageSocket = null;
            for (var attempt = 0; pageSocket is null && attempt < 100; attempt++)
            {
                var targets = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list"))!.AsArray();
                pageSocket = targets.FirstOrDefault(t => (string?)t!["type"] == "page")?["webSocketDebuggerUrl"]?.GetValue<string>();
                if (pageSocket is null)
                    await Task.Delay(100);
            }
            var socket = new ClientWebSocket();
            await socket.ConnectAsync(new Uri(pageSocket ?? throw new TimeoutException("no page target")), CancellationToken.None);
            return new ChromiumPage(process, profile, socket);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
    }

    private static async Task<int> DevToolsPortAsync(string profile, Process process)
    {
        var file = Path.Combine(profile, "DevToolsActivePort");
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"chromium exited with {process.ExitCode}");
            if (File.Exists(file) && File.ReadAllLines(file) is [var first, ..] && int.TryParse(first, out var port))
                return port;
            await Task.Delay(100);
        }
        throw new TimeoutException("chromium did not open its DevTools port");
    }

    /// <summary>Evaluates an expression in the page (promises awaited) and returns its JSON value.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        var result = await CommandAsync("Runtime.evaluate",
            new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (result.TryGetProperty("exceptionDetails", out var error))
            throw new InvalidOperationException("page error: " + error);
        return result.GetProperty("result").TryGetProperty("value", out var value) ? value.Clone() : default;
    }

    /// <summary>Saves a PNG of the page (for people looking at the dialer; GATEWAY_DIALER_SCREENSHOTS in the browser test).</summary>
    public async Task ScreenshotAsync(string path)
    {
        var result = await CommandAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png" });
        await File.WriteAllBytesAsync(path, Convert.FromBase64String(result.GetProperty("data").GetString()!));
    }

    private async Task<JsonElement> CommandAsync(string method, JsonObject parameters)
    {
        var id = ++_nextId;
        var request = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            using var reply = JsonDocument.Parse(await ReceiveAsync(timeout.Token));
            if (!reply.RootElement.TryGetProperty("id", out var replyId) || replyId.GetInt32() != id)
                continue; // an event
            if (reply.RootElement.TryGetProperty("error", out var error))
                throw new InvalidOperationException($"{method}: {error}");
            return reply.RootElement.GetProperty("result").Clone();
        }
    }

    /// <summary>Polls until the expression is truthy; returns the last value.</summary>
    public async Task<JsonElement> WaitForAsync(string expression, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var value = await EvaluateAsync(expression);
            if (value.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.False)
                && !(value.ValueKind == JsonValueKind.String && value.GetString() == ""))
                return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"page never satisfied: {expression}; state: {await EvaluateAsync("JSON.stringify({state: window.gateway && gateway.state, status: document.getElementById('status').textContent})")}");
            await Task.Delay(50);
        }
    }

    private async Task<string> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(buffer, cancellationToken);
            message.Write(buffer, 0, result.Count);
        } while (!result.EndOfMessage);
        return Encoding.UTF8.GetString(message.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        try { _socket.Abort(); _socket.Dispose(); } catch (WebSocketException) { }
        try
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        }
        catch (InvalidOperationException) { }
        catch (OperationCanceledException) { }
        _process.Dispose();
        TempDirectory.Delete(_profile);
    }
}
