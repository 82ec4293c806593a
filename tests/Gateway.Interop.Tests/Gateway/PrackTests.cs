using Gateway.Interop.Tests.Sip;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>
/// Issue #14 item 4 with sipp on the real gateway process: RFC 3262 both ways. Outbound, sipp's reliable 183 with SDP is
/// PRACKed (RAck checked by the scenario) and gives the client early media before the 200; inbound, an INVITE with
/// Require: 100rel to a web user gets a reliable 180 (Require: 100rel + RSeq) that sipp PRACKs, then the 200.
/// </summary>
[Trait("Category", "E2E")]
[Collection(E2eCollection.Name)]
public sealed class PrackTests(ITestOutputHelper output)
{
    [SkippableFact(Timeout = 90_000)]
    public async Task AReliable183WithSdpIsPrackedAndGivesEarlyMediaThenThe200Answers()
    {
        if (!E2e.PeersAvailable(output, chromium: false)) return;
        using var media = new RtpEcho();
        var port = Sipp.FreePort();
        using var stop = new CancellationTokenSource();
        var sipp = E2e.StartSippUas("uas-prack-183.xml", port, media.Port, timeout: TimeSpan.FromSeconds(60), stop: stop.Token);
        try
        {
            await using var gateway = await GatewayProcess.StartAsync(output, "gateway-test.yaml",
                new Dictionary<string, string> { ["TRUNK_PORT"] = $"{port}", ["BACKUP_PORT"] = $"{port}" });
            await using var client = await SignalingClient.ConnectAsync(gateway.WebSocketUri);
            await client.WaitForAsync(E2e.Step, null, "welcome");
            await client.SendAsync(new { type = "call", id = "p1", to = "+14155550100", sdp = SyntheticOffer.Create() });

            var progress = await client.WaitForAsync(E2e.Step, "p1", "progress");
            var answer = await client.WaitForAsync(E2e.Step, "p1", "answer");
            Assert.Equal((string?)progress["sdp"], (string?)answer["sdp"]);
            await client.SendAsync(new { type = "hangup", id = "p1" });
            await client.WaitForAsync(E2e.Step, "p1", "hangup");

            // Exit 0: Supported: 100rel in the INVITE, the PRACK with RAck "1 1 INVITE", ACK and BYE all came.
            var result = await E2e.AssertSippSucceeded(sipp, output, TimeSpan.FromSeconds(15));
            Assert.Equal(1, E2e.ReceivedRequests(result, "PRACK"));
        }
        finally
        {
            stop.Cancel();
            await sipp;
        }
    }

    [SkippableFact(Timeout = 90_000)]
    public async Task AnInviteRequiring100relGetsAReliable180ThatThePhonePracks()
    {
        if (!E2e.PeersAvailable(output, chromium: false)) return;
        using var media = new RtpEcho();
        await using var gateway = await GatewayProcess.StartAsync(output, "gateway-test.yaml",
            new Dictionary<string, string> { ["TRUNK_PORT"] = "9", ["BACKUP_PORT"] = "9" });
        await using var client = await SignalingClient.ConnectAsync(gateway.WebSocketUri);
        await client.WaitForAsync(E2e.Step, null, "welcome");
        await client.SendAsync(new { type = "register", user = "alice" });
        await client.WaitForAsync(E2e.Step, null, "registered");

        var sipp = Sipp.RunAsync(
            $"127.0.0.1:{gateway.SipPort} -sf {TestPaths.Scenario("uac-prack-inbound.xml")} -s alice -i 127.0.0.1 -p {Sipp.FreePort()} -t u1 " +
            $"-m 1 -d 500 -key rtpport {media.Port} -timeout 30s -timeout_error", TimeSpan.FromSeconds(40), CancellationToken.None);
        var incoming = await client.WaitForAsync(TimeSpan.FromSeconds(15), null, "incoming");
        var id = (string)incoming["id"]!;
        await client.SendAsync(new { type = "ringing", id });
        // The scenario expects the PRACK's 200 before the INVITE's: answer once the gateway has sent it.
        var deadline = DateTime.UtcNow + E2e.Step;
        while (new PrometheusText(await gateway.GetMetricsAsync()).Samples.FirstOrDefault(s => s.Name == "gateway_sip_responses_total" && s.Labels == "code=\"200\"")?.Value is not >= 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "the gateway never answered the PRACK 200: " + gateway.Tail());
            await Task.Delay(50);
        }
        await client.SendAsync(new { type = "answer", id, sdp = SyntheticOffer.Create().Replace("a=setup:actpass", "a=setup:active") });

        // Exit 0: the 180 carried Require: 100rel and an RSeq, the PRACK got 200, the INVITE 200 was ACKed and the BYE answered.
        var result = await E2e.AssertSippSucceeded(sipp, output, TimeSpan.FromSeconds(35));
        output.WriteLine(E2e.SippMessages(result));
        await client.WaitForAsync(E2e.Step, id, "hangup");
    }
}
