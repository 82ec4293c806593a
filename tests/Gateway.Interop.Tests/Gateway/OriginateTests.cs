using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gateway.Interop.Tests.Sip;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>
/// Issue #19: POST /api/v1/calls dials a sipp trunk, then rings the web user alice in Chromium and bridges them; audio
/// flows both ways; DELETE /api/v1/calls/{id} hangs up with the operator's cause (sipp checks the BYE's Reason). The
/// bar: from the REST call to audio both ways under 1 s of gateway time on loopback (the page accepts within 5 ms and
/// its own answer time is taken off; sipp answers at once). And with <c>app: echo</c>: sipp answers, its RTP comes back.
/// </summary>
[Trait("Category", "E2E")]
[Collection(E2eCollection.Name)]
public sealed class OriginateTests(ITestOutputHelper output)
{
    [SkippableFact(Timeout = 150_000)]
    public async Task Originate_to_sipp_then_bridge_to_a_web_user_audio_both_ways_then_hang_up_by_api()
    {
        if (!E2e.PeersAvailable(output)) return;
        using var media = new RtpEcho();
        var port = Sipp.FreePort();
        using var stop = new CancellationTokenSource();
        var sipp = E2e.StartSippUas("uas-operator-bye.xml", port, media.Port, calls: 2, stop: stop.Token);
        using var callbacks = new CallbackRecorder();
        try
        {
            await using var gateway = await GatewayProcess.StartAsync(output, "gateway-test.yaml",
                new Dictionary<string, string> { ["TRUNK_PORT"] = $"{port}", ["BACKUP_PORT"] = $"{port}" },
                new Dictionary<string, string> { ["Logging:LogLevel:Gateway.Server.Calls"] = "Debug" }); // state changes with their times
            await using var browser = await ChromiumDriver.StartAsync(output);
            var page = await E2e.OpenDialerAsync(browser, gateway, user: "alice");

            // The first call after start pays the JIT (call path, DTLS, HTTP client); the bar is met by the second.
            var cold = await OriginateBridgeAndHangUpAsync(gateway, browser, page, media, callbacks, 1);
            var warm = await OriginateBridgeAndHangUpAsync(gateway, browser, page, media, callbacks, 2);
            output.WriteLine($"originate bar: first call after start {cold:F0} ms, second {warm:F0} ms of gateway time");
            Assert.True(warm < 1000, $"originate-then-bridge took {warm:F0} ms of gateway time (bar: 1 s)");
            await E2e.AssertSippSucceeded(sipp, output, TimeSpan.FromSeconds(15)); // both BYEs had the operator's Reason
        }
        finally
        {
            output.WriteLine(media.Summary());
            stop.Cancel();
            await sipp;
        }
    }

    [SkippableFact(Timeout = 60_000)]
    public async Task Originate_to_sipp_with_the_echo_app_sipps_rtp_comes_back_then_hang_up_by_api()
    {
        if (!E2e.PeersAvailable(output, chromium: false)) return;
        using var media = new RtpTone();
        var port = Sipp.FreePort();
        var portFile = Path.Combine(Path.GetTempPath(), $"gw-originate-echo-{Guid.NewGuid():N}.port");
        using var stop = new CancellationTokenSource();
        var sipp = E2e.StartSippUas("uas-app-echo.xml", port, media.Port, extra: $"-key portfile {portFile}", stop: stop.Token);
        using var callbacks = new CallbackRecorder();
        try
        {
            await using var gateway = await GatewayProcess.StartAsync(output, "gateway-test.yaml",
                new Dictionary<string, string> { ["TRUNK_PORT"] = $"{port}", ["BACKUP_PORT"] = $"{port}" });

            using var created = await gateway.Http.PostAsJsonAsync("api/v1/calls", new { to = "+441632960000", app = "echo", callbackUrl = callbacks.Url });
            var body = await created.Content.ReadAsStringAsync();
            Assert.True(created.StatusCode == HttpStatusCode.Created, $"{created.StatusCode}: {body}");
            var id = (string)JsonNode.Parse(body)!["id"]!;
            Assert.Equal("echo", (string?)JsonNode.Parse(body)!["app"]);

            // sipp wrote the gateway's RTP port (its offer's m= line); the peer's tone goes there and must come back.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
            int gatewayRtp;
            while (!File.Exists(portFile) || !int.TryParse(File.ReadAllText(portFile), out gatewayRtp))
            {
                Assert.True(DateTime.UtcNow < deadline, "sipp did not report the gateway's RTP port");
                await Task.Delay(20);
            }
            media.SendTo(new IPEndPoint(IPAddress.Loopback, gatewayRtp));
            while (media.Received(0) < 25)
            {
                Assert.True(DateTime.UtcNow < deadline, $"the echo did not come back: {media.Summary()}");
                await Task.Delay(20);
            }
            Assert.True(media.PeakReceived > 4000, $"the echoed audio is not the tone: {media.Summary()}");
            var listed = JsonNode.Parse(await gateway.Http.GetStringAsync($"api/v1/calls/{id}"))!;
            Assert.Equal(("originated", "active", "primary", "echo"), ((string?)listed["direction"], (string?)listed["state"], (string?)listed["trunk"], (string?)listed["to"]));

            using var deleted = await gateway.Http.DeleteAsync($"api/v1/calls/{id}");
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
            var steps = await callbacks.WaitForAsync(3, E2e.Step);
            Assert.Equal(["answered", "bridged", "ended"], steps.Select(s => (string?)s["event"]));
            await E2e.AssertSippSucceeded(sipp, output, TimeSpan.FromSeconds(15));
        }
        finally
        {
            output.WriteLine(media.Summary());
            stop.Cancel();
            await sipp;
            File.Delete(portFile);
        }
    }

    /// <summary>
    /// Two phones (sipp) register alice with Digest, then answer on the same ports (the registrar's flows); POST with
    /// <c>phone</c> dials the sipp trunk, and on its answer INVITEs both: one rings until CANCELled, the other answers
    /// at once and wins (first answer wins, the ringing one gets CANCEL); the media is relayed by the gateway: the
    /// phone's tone goes to the trunk, whose echo brings it back (RTP both ways through the relay, checked as audio).
    /// DELETE sends BYE to both legs (the trunk's with the operator's Reason). Twice: the bar is met by the second call.
    /// </summary>
    [SkippableFact(Timeout = 120_000)]
    public async Task Originate_to_sipp_then_bridge_to_a_registered_phone_rtp_both_ways_then_hang_up_by_api()
    {
        if (!E2e.PeersAvailable(output, chromium: false)) return;
        using var trunkMedia = new RtpEcho();
        using var phoneMedia = new RtpTone();
        var trunkPort = Sipp.FreePort();
        var phonePort = Sipp.FreePort();
        var ringingPort = Sipp.FreePort();
        var portFile = Path.Combine(Path.GetTempPath(), $"gw-originate-phone-{Guid.NewGuid():N}.port");
        using var stop = new CancellationTokenSource();
        using var callbacks = new CallbackRecorder();
        Task<Sipp.Result>? trunk = null, phone = null, ringing = null;
        try
        {
            await using var gateway = await GatewayProcess.StartAsync(output, "originate-phone.yaml",
                new Dictionary<string, string> { ["TRUNK_PORT"] = $"{trunkPort}" },
                new Dictionary<string, string> { ["Logging:LogLevel:Gateway.Server.Calls"] = "Debug" },
                new Dictionary<string, string> { ["ALICE_PASSWORD"] = RegistrarTests.AlicePassword });
            foreach (var port in new[] { phonePort, ringingPort })
                await E2e.AssertSippSucceeded(Sipp.RunAsync($"127.0.0.1:{gateway.SipPort} -sf {TestPaths.Scenario("register-only.xml")} -s alice -au alice " +
                    $"-ap {RegistrarTests.AlicePassword} -i 127.0.0.1 -p {port} -t u1 -m 1 -timeout 20s -timeout_error", TimeSpan.FromSeconds(30)), output, TimeSpan.FromSeconds(30));
            var bindings = JsonNode.Parse(await gateway.Http.GetStringAsync("api/v1/registrations"))!.AsArray();
            Assert.Equal(new[] { $"udp:127.0.0.1:{phonePort}", $"udp:127.0.0.1:{ringingPort}" }.Order(StringComparer.Ordinal),
                bindings.Select(b => (string?)b!["source"]).Order(StringComparer.Ordinal));
            Assert.All(bindings, b => Assert.Equal("sip:alice@gateway.local", (string?)b!["aor"]));

            trunk = E2e.StartSippUas("uas-operator-bye.xml", trunkPort, trunkMedia.Port, calls: 2, stop: stop.Token);
            phone = E2e.StartSippUas("uas-app-echo.xml", phonePort, phoneMedia.Port, extra: $"-key portfile {portFile}", calls: 2, stop: stop.Token);
            ringing = E2e.StartSippUas("uas-noanswer.xml", ringingPort, phoneMedia.Port, calls: 2, stop: stop.Token);
            await WaitBoundAsync(trunkPort);
            await WaitBoundAsync(phonePort);
            await WaitBoundAsync(ringingPort);

            // The first call after start pays the JIT (call path, relay, HTTP client); the bar is met by the second.
            var cold = await OriginateToPhoneAndHangUpAsync(gateway, trunkMedia, phoneMedia, portFile, callbacks, 1);
            var warm = await OriginateToPhoneAndHangUpAsync(gateway, trunkMedia, phoneMedia, portFile, callbacks, 2);
            output.WriteLine($"originate-to-phone bar: first call after start {cold:F0} ms, second {warm:F0} ms from the POST to audio both ways");
            Assert.True(warm < 1000, $"originate-then-bridge to a phone took {warm:F0} ms (bar: 1 s)");
            await E2e.AssertSippSucceeded(trunk, output, TimeSpan.FromSeconds(15)); // both BYEs had the operator's Reason
            await E2e.AssertSippSucceeded(phone, output, TimeSpan.FromSeconds(15)); // both calls ended by our BYE
            await E2e.AssertSippSucceeded(ringing, output, TimeSpan.FromSeconds(15)); // both INVITEs CANCELled once the other phone answered
        }
        finally
        {
            output.WriteLine(trunkMedia.Summary());
            output.WriteLine(phoneMedia.Summary());
            stop.Cancel();
            if (trunk is not null) await trunk;
            if (phone is not null) await phone;
            if (ringing is not null) await ringing;
            File.Delete(portFile);
        }
    }

    /// <summary>
    /// One originate to the phone: POST, the phone's tone (once sipp wrote the relay's port from its INVITE) comes back
    /// through the trunk's echo; returns the time from the POST to audio both ways (sipp answers at once, so it is the
    /// gateway's, plus the test's 2 ms polls).
    /// </summary>
    private async Task<double> OriginateToPhoneAndHangUpAsync(GatewayProcess gateway, RtpEcho trunkMedia, RtpTone phoneMedia, string portFile, CallbackRecorder callbacks, int n)
    {
        File.Delete(portFile);
        var trunkBefore = trunkMedia.Received(0);
        var phoneBefore = phoneMedia.Received(0);
        var posted = DateTime.UtcNow;
        using var created = await gateway.Http.PostAsJsonAsync("api/v1/calls", new { to = "+441632960000", phone = "alice", callbackUrl = callbacks.Url });
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"{created.StatusCode}: {body}");
        var id = (string)JsonNode.Parse(body)!["id"]!;
        Assert.Equal("alice", (string?)JsonNode.Parse(body)!["phone"]);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        int relayPort;
        while (!File.Exists(portFile) || !int.TryParse(File.ReadAllText(portFile).Trim(), out relayPort))
        {
            Assert.True(DateTime.UtcNow < deadline, "the phone was not rung (sipp wrote no port)");
            await Task.Delay(2);
        }
        phoneMedia.SendTo(new IPEndPoint(IPAddress.Loopback, relayPort));
        while (trunkMedia.Received(0) == trunkBefore)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the trunk got no audio from the phone: {trunkMedia.Summary()}");
            await Task.Delay(2);
        }
        var trunkHeard = DateTime.UtcNow;
        while (phoneMedia.Received(0) == phoneBefore)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the phone got no audio from the trunk: {phoneMedia.Summary()}");
            await Task.Delay(2);
        }
        var phoneHeard = DateTime.UtcNow;
        var total = ((trunkHeard > phoneHeard ? trunkHeard : phoneHeard) - posted).TotalMilliseconds;
        output.WriteLine($"originate to phone {n}: POST -> audio both ways {total:F0} ms (trunk heard the phone at {(trunkHeard - posted).TotalMilliseconds:F0} ms, " +
            $"the phone the trunk at {(phoneHeard - posted).TotalMilliseconds:F0} ms)");

        // The tone, as audio: it crossed the relay to the trunk and came back (the echo), 25 packets = 0.5 s of it.
        while (phoneMedia.Received(0) < phoneBefore + 25)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the phone's tone did not keep coming back: {phoneMedia.Summary()}");
            await Task.Delay(20);
        }
        Assert.True(phoneMedia.PeakReceived > 4000, $"what came back is not the tone: {phoneMedia.Summary()}");
        var listed = JsonNode.Parse(await gateway.Http.GetStringAsync($"api/v1/calls/{id}"))!;
        Assert.Equal(("originated", "active", "primary", "+441632960000", "alice", "PCMU/8000"),
            ((string?)listed["direction"], (string?)listed["state"], (string?)listed["trunk"], (string?)listed["from"], (string?)listed["to"], (string?)listed["codec"]));
        Assert.True((long?)listed["media"]!["packetsIn"] > 0, listed.ToJsonString());

        using var deleted = await gateway.Http.DeleteAsync($"api/v1/calls/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var steps = (await callbacks.WaitForAsync(4 * n, E2e.Step)).Skip(4 * (n - 1)).ToList();
        Assert.Equal(["ringing", "answered", "bridged", "ended"], steps.Select(s => (string?)s["event"]));
        Assert.All(steps, s => Assert.Equal(id, (string?)s["callId"]));
        JsonNode? cdr = null;
        while ((cdr = gateway.ReadCdrLines().Select(l => JsonNode.Parse(l)!).Where(r => (string?)r["direction"] == "originated").ElementAtOrDefault(n - 1)) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no CDR for call {n} in {gateway.CdrPath}");
            await Task.Delay(50);
        }
        Assert.Equal(("originated", "Terminated by operator", "client 127.0.0.1"), ((string?)cdr["direction"], (string?)cdr["reason"], (string?)cdr["endedBy"]));
        return total;
    }

    /// <summary>Until sipp holds the UDP port (binding it ourselves fails), so the gateway's INVITE does not wait for a retransmission.</summary>
    private static async Task WaitBoundAsync(int port)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            try { using var probe = new System.Net.Sockets.UdpClient(new IPEndPoint(IPAddress.Loopback, port)); }
            catch (System.Net.Sockets.SocketException) { return; }
            Assert.True(DateTime.UtcNow < deadline, $"sipp did not bind udp port {port}");
            await Task.Delay(20);
        }
    }

    /// <summary>
    /// One originate: POST, the page accepts at once, audio both ways, checks, DELETE. Returns the gateway time: from the
    /// POST to audio both ways, less the time the call waited for the browser's answer (Offering -> Active in the log).
    /// </summary>
    private async Task<double> OriginateBridgeAndHangUpAsync(GatewayProcess gateway, ChromiumDriver browser, int page, RtpEcho media, CallbackRecorder callbacks, int n)
    {
        // The agent accepts as soon as the call is offered (a 5 ms poll in the page); the page notes the first audio it
        // receives with a 10 ms getStats poll (no driver round trip).
        await browser.EvalAsync(page, """
            (() => {
              window.__audioAt = 0;
              const t = setInterval(() => {
                if (window.gateway.state !== 'incoming') return;
                clearInterval(t);
                document.querySelector('#accept').click();
              }, 5);
              const a = setInterval(async () => {
                const pc = window.gateway.pc;
                if (!pc || window.gateway.state !== 'active') return;
                for (const r of (await pc.getStats()).values())
                  if (r.type === 'inbound-rtp' && r.kind === 'audio' && r.packetsReceived > 0 && !window.__audioAt) { window.__audioAt = Date.now(); clearInterval(a); }
              }, 10);
              return true;
            })()
            """);
        var heardBefore = media.Received(0) + media.Received(8);
        var posted = DateTimeOffset.UtcNow;
        using var created = await gateway.Http.PostAsJsonAsync("api/v1/calls", new { to = "+441632960000", user = "alice", callbackUrl = callbacks.Url });
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"{created.StatusCode}: {body}");
        var id = (string)JsonNode.Parse(body)!["id"]!;
        Assert.Equal($"/api/v1/calls/{id}", created.Headers.Location?.ToString());

        // Audio both ways: the trunk's RTP echo hears the browser (polled here), the browser hears the echo (noted by the page).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (media.Received(0) + media.Received(8) == heardBefore)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the trunk got no audio: {media.Summary()}");
            await Task.Delay(2);
        }
        var trunkHeard = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        double browserHeard;
        while ((browserHeard = (await browser.EvalAsync(page, "window.__audioAt"))!.GetValue<double>()) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the browser got no audio: {await browser.StatsAsync(page)}");
            await Task.Delay(20);
        }
        var total = Math.Max(trunkHeard, browserHeard) - posted.ToUnixTimeMilliseconds();
        var browserWait = StateChange(gateway, n, "Offering -> Active") - StateChange(gateway, n, "Ringing -> Offering");
        output.WriteLine($"originate {n}: POST -> audio both ways {total:F0} ms (trunk heard the browser at {trunkHeard - posted.ToUnixTimeMilliseconds()} ms, " +
            $"the browser the trunk at {browserHeard - posted.ToUnixTimeMilliseconds():F0} ms), waiting for the browser's answer {browserWait.TotalMilliseconds:F0} ms: " +
            $"{total - browserWait.TotalMilliseconds:F0} ms of gateway time");

        await browser.WaitStateAsync(page, E2e.Step, "active");
        await E2e.AssertMediaFlowsAsync(browser, page, output, TimeSpan.FromSeconds(1));
        var listed = JsonNode.Parse(await gateway.Http.GetStringAsync($"api/v1/calls/{id}"))!;
        Assert.Equal(("originated", "active", "primary", "+441632960000", "alice"),
            ((string?)listed["direction"], (string?)listed["state"], (string?)listed["trunk"], (string?)listed["from"], (string?)listed["to"]));

        var events = (await browser.EventsAsync(page)).Count;
        using var deleted = await gateway.Http.DeleteAsync($"api/v1/calls/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var (_, hangup) = await browser.WaitEventAsync(page, E2e.Step, events, "hangup");
        Assert.Equal("Terminated by operator", (string?)hangup["reason"]);
        await browser.WaitStateAsync(page, E2e.Step, "ended", "idle");

        var steps = (await callbacks.WaitForAsync(4 * n, E2e.Step)).Skip(4 * (n - 1)).ToList();
        Assert.Equal(["ringing", "answered", "bridged", "ended"], steps.Select(s => (string?)s["event"]));
        Assert.All(steps, s => Assert.Equal(id, (string?)s["callId"]));
        var cdr = await E2e.WaitForCdrAsync(gateway, ((string?)hangup["id"])!);
        Assert.Equal(("originated", "Terminated by operator", "client 127.0.0.1"), ((string?)cdr["direction"], (string?)cdr["reason"], (string?)cdr["endedBy"]));
        return total - browserWait.TotalMilliseconds;
    }

    /// <summary>When the <paramref name="n"/>th originated call made that state change, by the gateway's log ("HH:mm:ss.fff dbug: ...").</summary>
    private static TimeSpan StateChange(GatewayProcess gateway, int n, string change)
    {
        var lines = File.ReadAllLines(gateway.LogPath).Where(l => l.Contains("OriginatedCall[4000]", StringComparison.Ordinal) && l.EndsWith(change, StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count >= n, $"no '{change}' for call {n} in {gateway.LogPath}");
        return TimeSpan.ParseExact(lines[n - 1].TrimStart()[..12], @"hh\:mm\:ss\.fff", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A backend's callback endpoint on loopback: records each JSON POST, answers 204.</summary>
    private sealed class CallbackRecorder : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly List<JsonNode> _received = [];
        private readonly Task _loop;

        public CallbackRecorder()
        {
            var port = Sipp.FreePort();
            Url = $"http://127.0.0.1:{port}/calls/events";
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            _listener.Start();
            _loop = Task.Run(ServeAsync);
        }

        public string Url { get; }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
                using (var reader = new StreamReader(context.Request.InputStream))
                {
                    var json = JsonNode.Parse(await reader.ReadToEndAsync())!;
                    lock (_received) _received.Add(json);
                }
                context.Response.StatusCode = 204;
                context.Response.Close();
            }
        }

        public async Task<IReadOnlyList<JsonNode>> WaitForAsync(int count, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                lock (_received) if (_received.Count >= count) return [.. _received];
                if (DateTime.UtcNow > deadline) lock (_received) throw new TimeoutException($"{_received.Count} callbacks: " + string.Join(" ", _received));
                await Task.Delay(50);
            }
        }

        public void Dispose()
        {
            _listener.Close();
            try { _loop.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
        }
    }
}
