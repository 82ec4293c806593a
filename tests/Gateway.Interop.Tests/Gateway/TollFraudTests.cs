using Gateway.Interop.Tests.Sip;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>
/// Issue #12 items 1 and 3 against the gateway process: premium numbers written as sip:/tel: URIs reach no trunk (INVITEs
/// counted at a sipp trunk: 0), and a duplicate-key frame leaves no registration behind (a later INVITE for the user: 480).
/// </summary>
[Trait("Category", "E2E")]
[Collection(E2eCollection.Name)]
public sealed class TollFraudTests(ITestOutputHelper output)
{
    [SkippableFact(Timeout = 90_000)]
    public async Task PremiumNumbersWrittenAsUris_AreRefused403_AndNoInviteReachesTheTrunk()
    {
        if (!E2e.PeersAvailable(output, chromium: false)) return;
        using var media = new RtpEcho();
        var port = Sipp.FreePort();
        using var stop = new CancellationTokenSource();
        var sipp = E2e.StartSippUas("uas-answer.xml", port, media.Port, timeout: TimeSpan.FromSeconds(60), stop: stop.Token);
        await using var gateway = await GatewayProcess.StartAsync(output, "gateway-fraud.yaml",
            new Dictionary<string, string> { ["TRUNK_PORT"] = $"{port}" },
            new Dictionary<string, string> { ["Sip:AllowUnknownSources"] = "true" });
        await using var client = await SignalingClient.ConnectAsync(gateway.WebSocketUri);
        await client.WaitForAsync(TimeSpan.FromSeconds(10), null, "welcome");

        string[] targets = [$"sip:+449098790000@127.0.0.1:{port}", "sip:00449098790000@203.0.113.9", "sips:%2B449098790000@anyhost.example.com", "tel:+1-900-555-0100"];
        foreach (var (to, i) in targets.Select((t, i) => (t, i)))
        {
            var id = $"fraud-{i}";
            await client.SendAsync(new { type = "call", id, to, sdp = SyntheticOffer.Create() });
            var reply = await client.WaitForAsync(TimeSpan.FromSeconds(10), id, "hangup", "answer", "error");
            output.WriteLine($"{to}: {reply.ToJsonString()}");
            Assert.Equal("hangup", (string?)reply["type"]);
            Assert.Equal(403, E2e.Code(reply));
        }

        stop.Cancel();
        var result = await sipp;
        Assert.Equal(0, E2e.ReceivedRequests(result, "INVITE"));
    }

    [SkippableFact(Timeout = 90_000)]
    public async Task ReferFromAnUnlistedSipParty_Is403_AndNoInviteReachesTheTrunk()
    {
        if (!E2e.PeersAvailable(output, chromium: false)) return;
        using var media = new RtpEcho();
        var port = Sipp.FreePort();
        using var stop = new CancellationTokenSource();
        var trunk = E2e.StartSippUas("uas-answer.xml", port, media.Port, timeout: TimeSpan.FromSeconds(60), stop: stop.Token);
        await using var gateway = await GatewayProcess.StartAsync(output, "gateway-fraud.yaml",
            new Dictionary<string, string> { ["TRUNK_PORT"] = $"{port}" },
            new Dictionary<string, string> { ["Sip:AllowUnknownSources"] = "true" });
        await using var client = await SignalingClient.ConnectAsync(gateway.WebSocketUri);
        await client.WaitForAsync(TimeSpan.FromSeconds(10), null, "welcome");
        await client.SendAsync(new { type = "register", user = "alice" });
        await client.WaitForAsync(TimeSpan.FromSeconds(10), null, "registered");

        var party = Sipp.RunAsync(
            $"127.0.0.1:{gateway.SipPort} -sf {TestPaths.Scenario("uac-refer-untrusted.xml")} -s alice -i 127.0.0.1 -p {Sipp.FreePort()} -t u1 " +
            $"-m 1 -d 500 -key rtpport {media.Port} -timeout 30s -timeout_error", TimeSpan.FromSeconds(40), CancellationToken.None);
        var incoming = await client.WaitForAsync(TimeSpan.FromSeconds(15), null, "incoming");
        var id = (string)incoming["id"]!;
        var answer = SyntheticOffer.Create().Replace("a=setup:actpass", "a=setup:active");
        await client.SendAsync(new { type = "answer", id, sdp = answer });

        // sipp exits 0 only if its REFER got 403 and its BYE 200.
        await E2e.AssertSippSucceeded(party, output, TimeSpan.FromSeconds(35));
        stop.Cancel();
        Assert.Equal(0, E2e.ReceivedRequests(await trunk, "INVITE"));
    }

    [SkippableFact(Timeout = 90_000)]
    public async Task DuplicateKeyFrame_LeavesNoRegisteredSessionBehind()
    {
        if (!E2e.PeersAvailable(output, chromium: false)) return;
        using var media = new RtpEcho();
        await using var gateway = await GatewayProcess.StartAsync(output, "gateway-fraud.yaml",
            new Dictionary<string, string> { ["TRUNK_PORT"] = "9" },
            new Dictionary<string, string> { ["Sip:AllowUnknownSources"] = "true" });
        await using (var client = await SignalingClient.ConnectAsync(gateway.WebSocketUri))
        {
            await client.WaitForAsync(TimeSpan.FromSeconds(10), null, "welcome");
            await client.SendAsync(new { type = "register", user = "alice" });
            await client.WaitForAsync(TimeSpan.FromSeconds(10), null, "registered");
            await client.SendRawAsync("""{"type":"ping","type":"register","user":"mallory"}""");
            var error = await client.WaitForAsync(TimeSpan.FromSeconds(10), null, "error");
            Assert.Equal("bad_request", (string?)error["code"]);
            await client.SendAsync(new { type = "ping" });
            await client.WaitForAsync(TimeSpan.FromSeconds(10), null, "pong"); // the connection stayed
        }

        // The client is gone (closed with 1000): its session ended and alice rings nobody.
        var sipp = Sipp.RunAsync(
            $"127.0.0.1:{gateway.SipPort} -sf {TestPaths.Scenario("uac-480.xml")} -s alice -i 127.0.0.1 -p {Sipp.FreePort()} -t u1 " +
            $"-m 1 -key rtpport {media.Port} -timeout 30s -timeout_error", TimeSpan.FromSeconds(40), CancellationToken.None);
        await E2e.AssertSippSucceeded(sipp, output, TimeSpan.FromSeconds(35));
    }
}
