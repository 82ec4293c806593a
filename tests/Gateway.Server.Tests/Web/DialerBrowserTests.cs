using Gateway.Tests.Shared;
using System.Text.Json.Nodes;
using Xunit.Abstractions;
using Gateway.Server.Tests.Hosting;

namespace Gateway.Server.Tests.Web;

/// <summary>The dialer page in headless Chromium against a scripted signaling stub (no call layer needed).</summary>
public sealed class DialerBrowserTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Page_registers_places_a_call_sends_dtmf_holds_hangs_up_and_rejects_an_incoming_call()
    {
        if (ChromiumPage.Executable is not { } chromium)
            throw MissingPeer.Skip(output, "chromium (apt-get install chromium)");
        var stub = new StubSignalingServer();
        await using var host = await TestGatewayHost.StartAsync(configureApp: stub.Map);
        await using var page = await ChromiumPage.OpenAsync(chromium, new Uri(host.Http!, "/?user=alice"));

        // Connect and auto-register from ?user=alice.
        await page.WaitForAsync("window.gateway && gateway.user === 'alice'");
        Assert.Equal("idle", (await page.EvaluateAsync("gateway.state")).GetString());
        Assert.Equal("welcome,registered", (await page.EvaluateAsync("gateway.events.map(e => e.type).join()")).GetString());
        Assert.Equal("alice", (string?)(await stub.WaitForAsync("register"))["user"]);
        Assert.Contains("stub-session-1", (await page.EvaluateAsync("document.getElementById('session').textContent")).GetString());

        // Call 600: a JSEP offer goes out, the stub answers 'ringing', candidates trickle.
        await page.EvaluateAsync("document.getElementById('number').value = '600'; document.getElementById('call').click()");
        var call = await stub.WaitForAsync("call");
        var id = (string)call["id"]!;
        Assert.Equal("600", (string?)call["to"]);
        Assert.StartsWith("v=0", (string?)call["sdp"]);
        Assert.Contains("m=audio", (string?)call["sdp"]);
        await page.WaitForAsync("gateway.state === 'ringing' && gateway.callId");
        Assert.Equal(id, (await page.EvaluateAsync("gateway.callId")).GetString());
        await stub.WaitForAsync("candidate", m => (string?)m["id"] == id);

        // Early media: progress carries the answer SDP, applied at once; the later answer only confirms it.
        await stub.SendAsync(new JsonObject { ["type"] = "progress", ["id"] = id, ["sdp"] = MirrorAnswer((string)call["sdp"]!) });
        await page.WaitForAsync("gateway.state === 'early' && gateway.pc.signalingState === 'stable'");

        // Answer: the state goes active, the timer runs, keypad sends DTMF, mute disables the track, hold/unhold.
        await stub.SendAsync(new JsonObject { ["type"] = "answer", ["id"] = id, ["sdp"] = MirrorAnswer((string)call["sdp"]!) });
        await page.WaitForAsync("gateway.state === 'active'");
        output.WriteLine("after answer: " + await page.EvaluateAsync("document.getElementById('status').textContent + ' / ' + gateway.pc.signalingState"));
        await Screenshot(page, "active");
        Assert.Matches(@"^\d\d:\d\d$", (await page.EvaluateAsync("document.getElementById('timer').textContent")).GetString());
        await page.EvaluateAsync("document.querySelector('button[data-digit=\"5\"]').click()");
        var dtmf = await stub.WaitForAsync("dtmf");
        Assert.Equal(id, (string?)dtmf["id"]);
        Assert.Equal("5", (string?)dtmf["digits"]);
        await page.EvaluateAsync("document.getElementById('mute').click()");
        Assert.True((await page.EvaluateAsync("gateway.pc.getSenders().every(s => !s.track || !s.track.enabled)")).GetBoolean());
        await page.EvaluateAsync("document.getElementById('hold').click()");
        await stub.WaitForAsync("hold", m => (string?)m["id"] == id);
        Assert.Equal("held", (await page.EvaluateAsync("gateway.state")).GetString());
        await page.EvaluateAsync("document.getElementById('hold').click()");
        await stub.WaitForAsync("unhold", m => (string?)m["id"] == id);
        Assert.Equal("active", (await page.EvaluateAsync("gateway.state")).GetString());
        await stub.SendAsync(new JsonObject { ["type"] = "held", ["id"] = id });
        await page.WaitForAsync("gateway.state === 'held'");
        await stub.SendAsync(new JsonObject { ["type"] = "resumed", ["id"] = id });
        await page.WaitForAsync("gateway.state === 'active'");

        // Hang up: the stub confirms, the page ends the call.
        await page.EvaluateAsync("document.getElementById('hangup').click()");
        await stub.WaitForAsync("hangup", m => (string?)m["id"] == id);
        await page.WaitForAsync("gateway.state === 'ended' && gateway.events.at(-1).type === 'hangup'");
        Assert.Contains("200", (await page.EvaluateAsync("document.getElementById('status').textContent")).GetString());

        // An incoming call shows the panel, sends ringing, and Reject answers 486.
        await stub.SendAsync(new JsonObject
        {
            ["type"] = "incoming", ["id"] = "s7", ["from"] = "+441632960000", ["display"] = "Front desk", ["sdp"] = (string)call["sdp"]!,
        });
        await page.WaitForAsync("gateway.state === 'incoming' && !document.getElementById('incoming').hidden");
        await Screenshot(page, "incoming");
        Assert.Contains("Front desk", (await page.EvaluateAsync("document.getElementById('incoming-from').textContent")).GetString());
        await stub.WaitForAsync("ringing", m => (string?)m["id"] == "s7");
        await page.EvaluateAsync("document.getElementById('reject').click()");
        var reject = await stub.WaitForAsync("reject");
        Assert.Equal("s7", (string?)reject["id"]);
        Assert.Equal(486, (int?)reject["code"]);
        await page.WaitForAsync("gateway.state === 'ended' && document.getElementById('incoming').hidden");
    }

    [SkippableFact]
    public async Task Accepting_an_incoming_call_answers_its_offer_and_the_far_end_can_hang_up()
    {
        if (ChromiumPage.Executable is not { } chromium)
            throw MissingPeer.Skip(output, "chromium (apt-get install chromium)");
        var stub = new StubSignalingServer();
        await using var host = await TestGatewayHost.StartAsync(configureApp: stub.Map);
        await using var page = await ChromiumPage.OpenAsync(chromium, new Uri(host.Http!, "/?user=carol"));
        await page.WaitForAsync("window.gateway && gateway.user === 'carol'");
        // A real offer from a second peer connection in the same page stands in for the gateway's.
        var offer = (await page.EvaluateAsync("""
            (async () => {
              const far = new RTCPeerConnection();
              far.addTransceiver('audio');
              await far.setLocalDescription(await far.createOffer());
              window.farEnd = far;
              return far.localDescription.sdp;
            })()
            """)).GetString()!;

        await stub.SendAsync(new JsonObject { ["type"] = "incoming", ["id"] = "s8", ["from"] = "+441632960001", ["sdp"] = offer });
        await page.WaitForAsync("gateway.state === 'incoming'");
        await page.EvaluateAsync("document.getElementById('accept').click()");

        var answer = await stub.WaitForAsync("answer", m => (string?)m["id"] == "s8");
        Assert.StartsWith("v=0", (string?)answer["sdp"]);
        Assert.Contains("m=audio", (string?)answer["sdp"]);
        await page.WaitForAsync("gateway.state === 'active' && gateway.callId === 's8' && gateway.direction === 'inbound'");
        await stub.WaitForAsync("candidate", m => (string?)m["id"] == "s8");
        // The far end sets the answer: it is a valid JSEP answer to its offer.
        await page.EvaluateAsync($"farEnd.setRemoteDescription({{type: 'answer', sdp: {System.Text.Json.JsonSerializer.Serialize((string)answer["sdp"]!)}}})");

        await stub.SendAsync(new JsonObject { ["type"] = "hangup", ["id"] = "s8", ["code"] = 200, ["reason"] = "Normal" });
        await page.WaitForAsync("gateway.state === 'ended' && gateway.pc === null");
    }

    [SkippableFact]
    public async Task Page_reconnects_with_its_session_id_and_keeps_its_registration()
    {
        if (ChromiumPage.Executable is not { } chromium)
            throw MissingPeer.Skip(output, "chromium (apt-get install chromium)");
        var stub = new StubSignalingServer();
        await using var host = await TestGatewayHost.StartAsync(configureApp: stub.Map);
        await using var page = await ChromiumPage.OpenAsync(chromium, new Uri(host.Http!, "/?user=bob"));
        await page.WaitForAsync("window.gateway && gateway.user === 'bob'");

        stub.Drop();

        await page.WaitForAsync("gateway.events.filter(e => e.type === 'welcome').length === 2 && gateway.connected");
        Assert.Equal(["", "?session=stub-session-1"], stub.Connections.ToArray());
        // The stub resumed the same session: no second registration.
        Assert.Equal(1, (await page.EvaluateAsync("gateway.events.filter(e => e.type === 'registered').length")).GetInt32());
        Assert.Single(stub.Received, m => (string?)m["type"] == "register");
    }

    /// <summary>With GATEWAY_DIALER_SCREENSHOTS=&lt;dir&gt; set, saves what the page looks like at this step.</summary>
    private static async Task Screenshot(ChromiumPage page, string step)
    {
        if (Environment.GetEnvironmentVariable("GATEWAY_DIALER_SCREENSHOTS") is { Length: > 0 } dir)
            await page.ScreenshotAsync(Path.Combine(dir, $"dialer-{step}.png"));
    }

    /// <summary>An answer the browser accepts for its own offer (DTLS role flipped); the media never flows, only signaling is tested.</summary>
    private static string MirrorAnswer(string offer) =>
        offer.Replace("a=setup:actpass", "a=setup:active");
}
