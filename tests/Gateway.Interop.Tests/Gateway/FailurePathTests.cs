using System.Net;
using System.Net.Sockets;
using System.Text;
using Gateway.Interop.Tests.Sip;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>
/// Issue #6, test 4: failure paths end to end: busy and unavailable trunks, failover, no answer, the browser tab
/// closing mid-call, and malformed input on both the signaling WebSocket and the SIP port.
/// </summary>
[Trait("Category", "E2E")]
[Collection(E2eCollection.Name)]
public sealed class FailurePathTests(ITestOutputHelper output)
{
    private static Dictionary<string, string> Ports(int trunk, int backup) =>
        new() { ["TRUNK_PORT"] = $"{trunk}", ["BACKUP_PORT"] = $"{backup}" };

    [SkippableTheory(Timeout = 90_000)]
    [InlineData("uas-486.xml", 486)]
    [InlineData("uas-503.xml", 503)]
    public async Task TrunkRejectionReachesTheBrowser(string scenario, int code)
    {
        if (!E2e.PeersAvailable(output)) return;
        using var media = new RtpEcho();
        var port = Sipp.FreePort();
        using var stop = new CancellationTokenSource();
        var sipp = E2e.StartSippUas(scenario, port, media.Port, stop: stop.Token);
        try
        {
            await using var gateway = await GatewayProcess.StartAsync(output, "gateway-test.yaml", Ports(port, port));
            await using var browser = await ChromiumDriver.StartAsync(output);
            var page = await E2e.OpenDialerAsync(browser, gateway, "bob");
            var from = await E2e.DialAsync(browser, page, "1000");
            var (_, hangup) = await browser.WaitEventAsync(page, TimeSpan.FromSeconds(15), from, "hangup", "answer");
            Assert.Equal("hangup", (string?)hangup["type"]);
            Assert.Equal(code, E2e.Code(hangup));
            await browser.WaitStateAsync(page, E2e.Step, "ended", "idle");
            var cdr = await E2e.WaitForCdrAsync(gateway, (string)hangup["id"]!);
            output.WriteLine($"CDR: {cdr.ToJsonString()}");
            Assert.Equal(code, (int?)cdr["cause"]);
            await E2e.AssertSippSucceeded(sipp, output, TimeSpan.FromSeconds(10)); // the gateway ACKed the final response
        }
        finally
        {
            stop.Cancel();
            await sipp;
        }
    }

    [SkippableFact(Timeout = 90_000)]
    public async Task UnavailablePrimaryTrunkFailsOverToBackup()
    {
        if (!E2e.PeersAvailable(output)) return;
        using var media = new RtpEcho();
        int primaryPort = Sipp.FreePort(), backupPort = Sipp.FreePort();
        using var stop = new CancellationTokenSource();
        var primary = E2e.StartSippUas("uas-503.xml", primaryPort, media.Port, stop: stop.Token);
        var backup = E2e.StartSippUas("uas-answer.xml", backupPort, media.Port, stop: stop.Token);
        try
        {
            await using var gateway = await GatewayProcess.StartAsync(output, "gateway-test.yaml", Ports(primaryPort, backupPort));
            await using var browser = await ChromiumDriver.StartAsync(output);
            var page = await E2e.OpenDialerAsync(browser, gateway, "bob");
            var from = await E2e.DialAsync(browser, page, "3000");
            var (_, answer) = await browser.WaitEventAsync(page, TimeSpan.FromSeconds(15), from, "answer", "hangup");
            Assert.True((string?)answer["type"] == "answer", $"expected the backup trunk to answer, got {answer.ToJsonString()}");
            await E2e.AssertSippSucceeded(primary, output, TimeSpan.FromSeconds(10));
            await E2e.AssertMediaFlowsAsync(browser, page, output);

            var mark = (await browser.EventsAsync(page)).Count;
            await browser.ClickAsync(page, "#hangup");
            var (_, hangup) = await browser.WaitEventAsync(page, E2e.Step, mark, "hangup");
            Assert.Equal(200, E2e.Code(hangup));
            await E2e.AssertSippSucceeded(backup, output, TimeSpan.FromSeconds(10));
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(primary, backup);
        }
    }

    [SkippableFact(Timeout = 90_000)]
    public async Task UnansweredCallIsCancelledAfterNoAnswerTimeout()
    {
        if (!E2e.PeersAvailable(output)) return;
        using var media = new RtpEcho();
        var port = Sipp.FreePort();
        using var stop = new CancellationTokenSource();
        var sipp = E2e.StartSippUas("uas-noanswer.xml", port, media.Port, stop: stop.Token);
        try
        {
            await using var gateway = await GatewayProcess.StartAsync(output, "gateway-test.yaml", Ports(port, port),
                new Dictionary<string, string> { ["Sip:NoAnswerTimeout"] = "00:00:03" });
            await using var browser = await ChromiumDriver.StartAsync(output);
            var page = await E2e.OpenDialerAsync(browser, gateway, "bob");
            var from = await E2e.DialAsync(browser, page, "1000");
            await browser.WaitEventAsync(page, E2e.Step, from, "ringing");
            var started = DateTime.UtcNow;
            var (_, hangup) = await browser.WaitEventAsync(page, TimeSpan.FromSeconds(15), from, "hangup", "answer");
            output.WriteLine($"hangup {hangup.ToJsonString()} {(DateTime.UtcNow - started).TotalSeconds:F1} s after ringing");
            Assert.Equal("hangup", (string?)hangup["type"]);
            Assert.Contains(E2e.Code(hangup), new[] { 408, 480 });
            var result = await E2e.AssertSippSucceeded(sipp, output, TimeSpan.FromSeconds(10));
            Assert.Equal(1, E2e.ReceivedRequests(result, "CANCEL"));
        }
        finally
        {
            stop.Cancel();
            await sipp;
        }
    }

    [SkippableFact(Timeout = 90_000)]
    public async Task ClosingTheTabMidCallSendsByeAfterReconnectGrace()
    {
        if (!E2e.PeersAvailable(output)) return;
        using var media = new RtpEcho();
        var port = Sipp.FreePort();
        using var stop = new CancellationTokenSource();
        var sipp = E2e.StartSippUas("uas-answer.xml", port, media.Port, stop: stop.Token);
        try
        {
            await using var gateway = await GatewayProcess.StartAsync(output, "gateway-test.yaml", Ports(port, port),
                new Dictionary<string, string> { ["Signaling:ReconnectGrace"] = "00:00:02" });
            await using var browser = await ChromiumDriver.StartAsync(output);
            var page = await E2e.OpenDialerAsync(browser, gateway, "bob");
            var from = await E2e.DialAsync(browser, page, "1000");
            var (_, answer) = await browser.WaitEventAsync(page, TimeSpan.FromSeconds(15), from, "answer", "hangup");
            Assert.Equal("answer", (string?)answer["type"]);
            await browser.WaitStateAsync(page, E2e.Step, "active");

            var closed = DateTime.UtcNow;
            await browser.ClosePageAsync(page);
            // The scenario ends only when the BYE arrives: grace (2 s) plus slack.
            var result = await E2e.AssertSippSucceeded(sipp, output, TimeSpan.FromSeconds(12));
            var elapsed = DateTime.UtcNow - closed;
            output.WriteLine($"BYE reached the trunk {elapsed.TotalSeconds:F1} s after the tab closed");
            Assert.Equal(1, E2e.ReceivedRequests(result, "BYE"));
            // Not before the grace period: a client may reconnect within it and keep its calls (protocol.md, Reconnect).
            Assert.True(elapsed >= TimeSpan.FromSeconds(1.5), $"BYE after {elapsed.TotalSeconds:F1} s: the 2 s reconnect grace was not honoured");
        }
        finally
        {
            stop.Cancel();
            await sipp;
        }
    }

    /// <summary>protocol.md, Reconnect: a client that loses its WebSocket and comes back with its session id keeps the call.</summary>
    [SkippableFact(Timeout = 90_000)]
    public async Task LostWebSocketResumedWithinGraceKeepsTheCall()
    {
        if (!E2e.PeersAvailable(output)) return;
        using var media = new RtpEcho();
        var port = Sipp.FreePort();
        using var stop = new CancellationTokenSource();
        var sipp = E2e.StartSippUas("uas-answer.xml", port, media.Port, stop: stop.Token);
        try
        {
            await using var gateway = await GatewayProcess.StartAsync(output, "gateway-test.yaml", Ports(port, port),
                new Dictionary<string, string> { ["Signaling:ReconnectGrace"] = "00:00:20" });
            await using var browser = await ChromiumDriver.StartAsync(output);
            var page = await E2e.OpenDialerAsync(browser, gateway, "bob");
            var from = await E2e.DialAsync(browser, page, "1000");
            var (answerAt, answer) = await browser.WaitEventAsync(page, TimeSpan.FromSeconds(15), from, "answer", "hangup");
            Assert.Equal("answer", (string?)answer["type"]);
            await E2e.AssertMediaFlowsAsync(browser, page, output);

            var session = (await browser.EvalAsync(page, "window.gateway.session"))?.GetValue<string>();
            // A network loss (a clean close is the client leaving: that ends its calls at once).
            E2e.DropConnectionsTo(gateway.HttpPort);
            var (_, welcome) = await browser.WaitEventAsync(page, TimeSpan.FromSeconds(15), answerAt + 1, "welcome");
            output.WriteLine($"resumed: {welcome.ToJsonString()} (was {session})");
            Assert.Equal(session, (string?)welcome["session"]);
            Assert.Equal("active", await browser.StateAsync(page));
            await E2e.AssertMediaFlowsAsync(browser, page, output);
            Assert.False(sipp.IsCompleted, "the trunk's call ended while the client was reconnecting");

            var mark = (await browser.EventsAsync(page)).Count;
            await browser.ClickAsync(page, "#hangup");
            var (_, hangup) = await browser.WaitEventAsync(page, E2e.Step, mark, "hangup");
            Assert.Equal(200, E2e.Code(hangup));
            var result = await E2e.AssertSippSucceeded(sipp, output, TimeSpan.FromSeconds(10));
            Assert.Equal(1, E2e.ReceivedRequests(result, "BYE"));
        }
        finally
        {
            stop.Cancel();
            await sipp;
        }
    }

    [SkippableFact(Timeout = 60_000)]
    public async Task MalformedProtocolMessagesGetErrorsAndTheConnectionStillAnswersPing()
    {
        await using var gateway = await GatewayProcess.StartAsync(output, "gateway-test.yaml", Ports(9, 9));
        await using var client = await SignalingClient.ConnectAsync(gateway.WebSocketUri);
        try
        {
            await client.WaitForAsync(E2e.Step, null, "welcome");
            string[] malformed =
            [
                "{not json",
                "[1,2,3]",
                "\"just a string\"",
                "{}",
                "{\"type\":42}",
                "{\"type\":\"frobnicate\",\"id\":\"x1\"}",
                "{\"type\":\"call\",\"id\":\"x2\"}",
                "{\"type\":\"call\",\"id\":\"x3\",\"to\":\"1000\"}",
                "{\"type\":\"register\"}",
                "{\"type\":\"dtmf\",\"id\":\"nope\",\"digits\":\"1\"}",
                "{\"type\":\"hangup\"}",
            ];
            foreach (var text in malformed)
            {
                await client.SendRawAsync(text);
                var error = await client.WaitForAsync(E2e.Step, null, "error");
                output.WriteLine($"{text} -> {error.ToJsonString()}");
                Assert.False(string.IsNullOrEmpty((string?)error["code"]), $"error without code for {text}");
                await client.SendAsync(new { type = "ping" });
                await client.WaitForAsync(E2e.Step, null, "pong");
            }
            Assert.Equal(System.Net.WebSockets.WebSocketState.Open, client.State);
        }
        catch
        {
            output.WriteLine(client.Dump());
            throw;
        }
    }

    [SkippableFact(Timeout = 60_000)]
    public async Task MalformedSipIsAnswered400OrDroppedAndTheGatewayKeepsServing()
    {
        await using var gateway = await GatewayProcess.StartAsync(output, "gateway-test.yaml", Ports(9, 9));
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var target = new IPEndPoint(IPAddress.Loopback, gateway.SipPort);
        var local = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
        string[] garbage =
        [
            "\u0001\u0002\u0003 not sip at all",
            "INVITE sip:alice@127.0.0.1 SIP/2.0\r\n\r\n",
            "INVITE sip:alice@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + local + ";branch=z9hG4bKbad1\r\nFrom: <sip:x@127.0.0.1>;tag=1\r\nTo: <sip:alice@127.0.0.1>\r\nCall-ID: bad1\r\nCSeq: notanumber INVITE\r\nContent-Length: 0\r\n\r\n",
            "INVITE sip:alice@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + local + ";branch=z9hG4bKbad2\r\nFrom: <sip:x@127.0.0.1>;tag=1\r\nTo: <sip:alice@127.0.0.1>\r\nCall-ID: bad2\r\nCSeq: 1 INVITE\r\nContent-Length: 5000\r\n\r\nv=0\r\n",
            "OPTIONS sip:x SIP/2.0\r\nthis header has no colon\r\n\r\n",
            "SIP/2.0 999999 Huh\r\n\r\n",
            new string('A', 60_000),
        ];
        foreach (var text in garbage)
        {
            await udp.SendAsync(Encoding.UTF8.GetBytes(text), target);
            var reply = await ReceiveAsync(udp, TimeSpan.FromMilliseconds(500));
            output.WriteLine($"{text[..Math.Min(40, text.Length)].ReplaceLineEndings(" ")}... -> {reply?.Split("\r\n")[0] ?? "(dropped)"}");
            if (reply is not null) Assert.StartsWith("SIP/2.0 400", reply);
        }

        // Still serving: a well-formed OPTIONS is answered, and so is HTTP.
        var options = $"OPTIONS sip:127.0.0.1:{gateway.SipPort} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{local};branch=z9hG4bK{Guid.NewGuid():N}\r\n" +
            $"Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=e2e\r\nTo: <sip:127.0.0.1:{gateway.SipPort}>\r\nCall-ID: {Guid.NewGuid():N}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
        await udp.SendAsync(Encoding.UTF8.GetBytes(options), target);
        var answer = await ReceiveAsync(udp, TimeSpan.FromSeconds(3));
        output.WriteLine($"OPTIONS -> {answer?.Split("\r\n")[0]}");
        Assert.NotNull(answer);
        Assert.StartsWith("SIP/2.0 ", answer);
        Assert.False(gateway.HasExited);
        using var health = await gateway.Http.GetAsync("healthz");
        Assert.True(health.IsSuccessStatusCode);
    }

    private static async Task<string?> ReceiveAsync(UdpClient udp, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var result = await udp.ReceiveAsync(cts.Token);
                var text = Encoding.UTF8.GetString(result.Buffer);
                if (text.StartsWith("SIP/2.0 100", StringComparison.Ordinal)) continue; // Trying before a final answer
                return text;
            }
        }
        catch (OperationCanceledException) { return null; }
        catch (SocketException) { return null; }
    }
}
