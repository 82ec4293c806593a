using System.Text.Json.Nodes;
using Gateway.Interop.Tests.Sip;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>Steps shared by the end-to-end tests: peers present, sipp trunks, dialing from the page, media checks.</summary>
public static class E2e
{
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(10);

    /// <summary>sipp (when <paramref name="sipp"/>) and Chromium present; under CI a missing one fails the test.</summary>
    public static bool PeersAvailable(ITestOutputHelper output, bool sipp = true, bool chromium = true) =>
        (!sipp || Sipp.IsAvailable(output)) && (!chromium || ChromiumDriver.IsAvailable(output));

    /// <summary>A sipp UAS on <paramref name="port"/> running one of our scenarios, its SDP pointing at <paramref name="rtpPort"/>.</summary>
    public static Task<Sipp.Result> StartSippUas(string scenario, int port, int rtpPort, string extra = "", int calls = 1,
        TimeSpan? timeout = null, CancellationToken stop = default) =>
        Sipp.RunAsync($"-sf {TestPaths.Scenario(scenario)} -i 127.0.0.1 -p {port} -t u1 -m {calls} -key rtpport {rtpPort} -timeout 90s {extra}",
            timeout ?? TimeSpan.FromSeconds(100), stop);

    /// <summary>The SIP messages sipp sent and received (-trace_msg), all of its *_messages.log files.</summary>
    public static string SippMessages(Sipp.Result result) =>
        string.Join("\n", Directory.GetFiles(result.WorkDirectory, "*_messages.log").Select(File.ReadAllText));

    /// <summary>Counts the requests of <paramref name="method"/> that sipp received (lines "METHOD sip:... SIP/2.0" after a "received" marker).</summary>
    public static int ReceivedRequests(Sipp.Result result, string method)
    {
        var count = 0;
        var receiving = false;
        foreach (var line in SippMessages(result).Split('\n'))
        {
            if (line.Contains("message received", StringComparison.Ordinal)) receiving = true;
            else if (line.Contains("message sent", StringComparison.Ordinal)) receiving = false;
            else if (receiving && line.StartsWith(method + " ", StringComparison.Ordinal) && line.TrimEnd().EndsWith("SIP/2.0", StringComparison.Ordinal)) count++;
        }
        return count;
    }

    /// <summary>Opens the dialer page (optionally registering <paramref name="user"/>) and waits for it to be idle.</summary>
    public static async Task<int> OpenDialerAsync(ChromiumDriver browser, GatewayProcess gateway, string? user = null)
    {
        var page = await browser.OpenAsync(new Uri(gateway.BaseUri, user is null ? "/" : $"/?user={Uri.EscapeDataString(user)}"));
        await browser.WaitEventAsync(page, Step, 0, "welcome");
        if (user is not null) await browser.WaitEventAsync(page, Step, 0, "registered");
        await browser.WaitStateAsync(page, Step, "idle");
        return page;
    }

    /// <summary>Types the number and presses call; returns the event index from which the call's messages follow.</summary>
    public static async Task<int> DialAsync(ChromiumDriver browser, int page, string number)
    {
        var from = (await browser.EventsAsync(page)).Count;
        await browser.FillAsync(page, "#number", number);
        await browser.ClickAsync(page, "#call");
        return from;
    }

    /// <summary>Asserts ICE and DTLS are connected and the browser's inbound audio grows over <paramref name="window"/>.</summary>
    public static async Task<(RtcStats Before, RtcStats After)> AssertMediaFlowsAsync(ChromiumDriver browser, int page, ITestOutputHelper output, TimeSpan? window = null)
    {
        // Chromium reports connected a moment after the answer: poll up to 10 s for ICE + DTLS.
        RtcStats? before = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            before = await browser.StatsAsync(page);
            if (before is { DtlsState: "connected" } && before.IceConnectionState is "connected" or "completed") break;
            await Task.Delay(200);
        }
        output.WriteLine($"stats at start: {before}");
        Assert.NotNull(before);
        Assert.True(before.IceConnectionState is "connected" or "completed", $"ICE not connected: {before}");
        Assert.Equal("connected", before.DtlsState);
        await Task.Delay(window ?? TimeSpan.FromSeconds(2));
        var after = (await browser.StatsAsync(page))!;
        output.WriteLine($"stats after {(window ?? TimeSpan.FromSeconds(2)).TotalSeconds} s: {after}");
        Assert.True(after.PacketsReceived > before.PacketsReceived, $"browser inbound audio did not grow: {before.PacketsReceived} -> {after.PacketsReceived}");
        Assert.True(after.PacketsSent > before.PacketsSent, $"browser outbound audio did not grow: {before.PacketsSent} -> {after.PacketsSent}");
        return (before, after);
    }

    /// <summary>The call detail record of <paramref name="callId"/> (written when the call ends; polled up to 5 s).</summary>
    public static async Task<JsonObject> WaitForCdrAsync(GatewayProcess gateway, string callId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (true)
        {
            foreach (var line in gateway.ReadCdrLines())
                if (JsonNode.Parse(line) is JsonObject record && (string?)record["callId"] == callId) return record;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no CDR for {callId} in {gateway.CdrPath}");
            await Task.Delay(200);
        }
    }

    /// <summary>
    /// Aborts every TCP connection to 127.0.0.1:<paramref name="port"/> from the client side (<c>ss -K</c>, needs root and
    /// CONFIG_INET_DIAG_DESTROY): the client sees its socket die, the server gets a RST. A network loss, not a clean close.
    /// </summary>
    public static void DropConnectionsTo(int port)
    {
        var info = new System.Diagnostics.ProcessStartInfo("ss") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-K", "dst", "127.0.0.1", "dport", "=", $":{port}" }) info.ArgumentList.Add(arg);
        using var ss = System.Diagnostics.Process.Start(info)!;
        var stdout = ss.StandardOutput.ReadToEndAsync();
        var stderr = ss.StandardError.ReadToEndAsync();
        if (!ss.WaitForExit(5000)) ss.Kill();
        Assert.True(ss.ExitCode == 0 && stdout.Result.Contains($":{port}", StringComparison.Ordinal),
            $"ss -K killed no connection to :{port} (exit {ss.ExitCode}): {stdout.Result} {stderr.Result}");
    }

    public static int Code(JsonObject message) => message["code"]?.GetValue<int>() ?? -1;

    /// <summary>Waits for the sipp run to end and asserts it exited 0 (every scenario step happened).</summary>
    public static async Task<Sipp.Result> AssertSippSucceeded(Task<Sipp.Result> sipp, ITestOutputHelper output, TimeSpan timeout)
    {
        var result = await sipp.WaitAsync(timeout);
        output.WriteLine($"--- sipp ({result.WorkDirectory}) ---\n{result.Output}");
        Assert.True(result.ExitCode == 0, $"sipp exit {result.ExitCode}; logs in {result.WorkDirectory}");
        return result;
    }
}
