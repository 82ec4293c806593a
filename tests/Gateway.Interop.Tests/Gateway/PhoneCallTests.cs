using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Interop.Tests.Sip;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>
/// Issue #15 item 4 end to end: a registered phone (sipp: REGISTER and INVITE with Digest) calls a number the dialplan
/// routes to a trunk (a sipp UAS), as its user with that user's guards. The media is anchored in the gateway: the SDP
/// the phone gets and the SDP the trunk gets name gateway ports, and a tone from the phone goes through the gateway to
/// the trunk, is echoed there and comes back through the gateway. A user without the guard class gets 403 and the trunk
/// sees no INVITE.
/// </summary>
[Trait("Category", "E2E")]
[Collection(E2eCollection.Name)]
public sealed class PhoneCallTests(ITestOutputHelper output)
{
    private const string BobPassword = "bob-Secret-42";

    [SkippableFact(Timeout = 120_000)]
    public async Task Registered_phone_calls_a_trunk_media_through_the_gateway_tone_both_ways_and_BYE_ends_both_legs()
    {
        if (!E2e.PeersAvailable(output, chromium: false)) return;
        using var trunkMedia = new RtpEcho();
        using var phoneMedia = new RtpTone();
        var trunkPort = Sipp.FreePort();
        using var stopTrunk = new CancellationTokenSource();
        var trunk = E2e.StartSippUas("uas-answer.xml", trunkPort, trunkMedia.Port, stop: stopTrunk.Token);
        await using var gateway = await StartGatewayAsync(trunkPort);
        var portFile = Path.Combine(gateway.WorkDirectory, "phone-answer-port");

        // alice may reach +449 numbers (allow: [premium]); the call stays up for 6 s (-d) before the phone's BYE.
        var phone = RunPhone(gateway, "phone-uac-trunk.xml", "+449098790000", "alice", RegistrarTests.AlicePassword, phoneMedia.Port,
            $"-key portfile {portFile} -d 6000");
        var answerPort = await ReadPortAsync(portFile, phone);
        output.WriteLine($"the phone's answer names port {answerPort}; gateway media {gateway.MediaPortMin}-{gateway.MediaPortMax}; " +
                         $"phone media {phoneMedia.Port}, trunk media {trunkMedia.Port}");
        Assert.InRange(answerPort, gateway.MediaPortMin, gateway.MediaPortMax); // the gateway's relay, not the trunk's RTP port

        // The phone's tone goes to the gateway's port; the trunk's echo of it comes back the same way.
        phoneMedia.SendTo(new IPEndPoint(IPAddress.Loopback, answerPort));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(4);
        while ((phoneMedia.PeakReceived < 4000 || trunkMedia.Received(0) < 25) && DateTime.UtcNow < deadline) await Task.Delay(100);
        output.WriteLine($"phone: {phoneMedia.Summary()}; trunk: {trunkMedia.Summary()}");
        Assert.True(trunkMedia.Received(0) >= 25, "the phone's audio at the trunk: " + trunkMedia.Summary());
        Assert.True(phoneMedia.PeakReceived >= 4000, $"the tone back at the phone (sent peak 8000): {phoneMedia.Summary()}; {trunkMedia.Summary()}");
        Assert.NotNull(trunkMedia.LastSender);
        Assert.InRange(trunkMedia.LastSender!.Port, gateway.MediaPortMin, gateway.MediaPortMax); // the trunk hears the gateway, not the phone
        Assert.NotEqual(answerPort, trunkMedia.LastSender.Port); // one port per leg

        await E2e.AssertSippSucceeded(phone, output, TimeSpan.FromSeconds(30)); // REGISTER, 401, INVITE, 401, 200, BYE 200
        var uas = await E2e.AssertSippSucceeded(trunk, output, TimeSpan.FromSeconds(15)); // the trunk's scenario ends on the BYE
        Assert.Equal(1, E2e.ReceivedRequests(uas, "BYE"));
        var offered = Regex.Match(E2e.SippMessages(uas), @"m=audio (\d+) RTP/AVP 0 101");
        Assert.True(offered.Success, "the trunk's INVITE has the phone's codecs");
        Assert.Equal(trunkMedia.LastSender.Port, int.Parse(offered.Groups[1].Value)); // the trunk was offered the gateway's port

        var cdr = (await WaitForCdrAsync(gateway))!;
        output.WriteLine($"CDR: {cdr.ToJsonString()}");
        Assert.Equal("phone", (string?)cdr["direction"]);
        Assert.Equal("alice", (string?)cdr["from"]);
        Assert.Equal("pstn", (string?)cdr["trunk"]);
        Assert.Equal(200, (int?)cdr["cause"]);
        Assert.True((long?)cdr["packetsToSip"] > 25 && (long?)cdr["packetsToWeb"] > 25, $"CDR packet counts: {cdr.ToJsonString()}");
    }

    [SkippableFact(Timeout = 90_000)]
    public async Task Phone_of_a_user_without_the_guard_class_gets_403_and_no_INVITE_reaches_the_trunk()
    {
        if (!E2e.PeersAvailable(output, chromium: false)) return;
        using var trunkMedia = new RtpEcho();
        var trunkPort = Sipp.FreePort();
        using var stopTrunk = new CancellationTokenSource();
        var trunk = E2e.StartSippUas("uas-answer.xml", trunkPort, trunkMedia.Port, stop: stopTrunk.Token);
        await using var gateway = await StartGatewayAsync(trunkPort);

        var phone = RunPhone(gateway, "phone-uac-refused.xml", "+449098790000", "bob", BobPassword, Sipp.FreePort(), "");
        await E2e.AssertSippSucceeded(phone, output, TimeSpan.FromSeconds(30)); // 401, then 403

        stopTrunk.Cancel();
        var uas = await trunk;
        Assert.Equal(0, E2e.ReceivedRequests(uas, "INVITE"));
        var cdr = await WaitForCdrAsync(gateway, allowNone: true);
        Assert.Null(cdr?["trunk"]?.GetValue<string>());
    }

    /// <summary>
    /// Item 3: a trunk (sipp UAC, its media a 1 kHz <see cref="RtpTone"/>) calls alice, whose only device is baresip
    /// registered with Digest (auto-answer, a 440 Hz tone as its microphone): the trunk's 200 names a gateway port, the
    /// phone's tone reaches the trunk from a gateway port, the phone's RTP comes from a gateway port (baresip 1.0 plays
    /// nothing to a file, so its received packets are counted), the trunk's BYE ends both legs.
    /// </summary>
    [SkippableFact(Timeout = 120_000)]
    public async Task Trunk_calls_a_registered_baresip_phone_media_anchored_in_the_gateway()
    {
        if (!E2e.PeersAvailable(output, chromium: false) || !Baresip.IsAvailable(output)) return;
        await using var gateway = await RegistrarTests.StartGatewayAsync(output); // trunk pstn = 127.0.0.1, users alice and bob
        var folder = Directory.CreateTempSubdirectory("baresip-phone-").FullName;
        var rtpMin = 40000 + Random.Shared.Next(0, 200) * 10;
        await using var baresip = await Baresip.StartAsync(folder, Sipp.FreePort(), rtpMin, certificatePem: null,
            account: $"<sip:alice@127.0.0.1:{gateway.SipPort};transport=udp>;auth_pass={RegistrarTests.AlicePassword};regint=600;answermode=auto;audio_codecs=PCMU");
        try
        {
            await RegistrarTests.WaitRegistrationsAsync(gateway, 1, TimeSpan.FromSeconds(10));
            using var trunkMedia = new RtpTone();
            var trunk = Sipp.RunAsync($"127.0.0.1:{gateway.SipPort} -sf {TestPaths.Scenario("uac-inbound.xml")} -s alice -key rtpport {trunkMedia.Port} " +
                                      $"-i 127.0.0.1 -p {Sipp.FreePort()} -t u1 -m 1 -d 5000 -timeout 30s -timeout_error", TimeSpan.FromSeconds(40));
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
            while ((trunkMedia.PeakReceived < 4000 || trunkMedia.Sent < 50) && DateTime.UtcNow < deadline && !trunk.IsCompleted) await Task.Delay(100);
            output.WriteLine($"trunk: {trunkMedia.Summary()}; gateway media {gateway.MediaPortMin}-{gateway.MediaPortMax}, baresip RTP {rtpMin}-{rtpMin + 9}");
            Assert.True(trunkMedia.PeakReceived >= 4000, "the phone's tone at the trunk: " + trunkMedia.Summary());
            Assert.True(trunkMedia.Sent >= 50, "the trunk's tone toward the gateway: " + trunkMedia.Summary());

            var uac = await E2e.AssertSippSucceeded(trunk, output, TimeSpan.FromSeconds(30)); // INVITE 200, ACK, BYE 200
            var answered = Regex.Match(E2e.SippMessages(uac), @"SIP/2.0 200 OK[\s\S]*?m=audio (\d+) RTP/AVP");
            Assert.True(answered.Success, "the trunk's 200 has an SDP answer");
            Assert.InRange(int.Parse(answered.Groups[1].Value), gateway.MediaPortMin, gateway.MediaPortMax); // the gateway's relay, not baresip

            var cdr = (await WaitForCdrAsync(gateway))!;
            output.WriteLine($"CDR: {cdr.ToJsonString()}");
            // baresip (its rtp_stats) names where its RTP comes from and counts what it received once the call is over.
            var stats = await WaitForLogAsync(baresip, new Regex(@"packets:\s+(\d+)\s+(\d+)"));
            var from = Regex.Match(baresip.Log, @"incoming rtp for 'audio' established, receiving from 127\.0\.0\.1:(\d+)");
            output.WriteLine($"baresip: {from.Value}; {stats.Value}");
            Assert.True(from.Success, "baresip received no RTP");
            Assert.InRange(int.Parse(from.Groups[1].Value), gateway.MediaPortMin, gateway.MediaPortMax); // from the gateway, not the trunk
            Assert.True(int.Parse(stats.Groups[2].Value) > 25, "RTP packets baresip received: " + stats.Value);
            Assert.Equal("inbound", (string?)cdr["direction"]);
            Assert.Equal(200, (int?)cdr["cause"]);
            Assert.True((long?)cdr["packetsToSip"] > 25 && (long?)cdr["packetsToWeb"] > 25, $"CDR packet counts (web = the phone's leg): {cdr.ToJsonString()}");
        }
        catch
        {
            output.WriteLine($"--- baresip ({folder}) ---\n{baresip.Log}");
            throw;
        }
    }

    private Task<GatewayProcess> StartGatewayAsync(int trunkPort) =>
        GatewayProcess.StartAsync(output, "phone-trunk-test.yaml", new Dictionary<string, string> { ["TRUNK_PORT"] = $"{trunkPort}" },
            environment: new Dictionary<string, string> { ["ALICE_PASSWORD"] = RegistrarTests.AlicePassword, ["BOB_PASSWORD"] = BobPassword });

    private static Task<Sipp.Result> RunPhone(GatewayProcess gateway, string scenario, string number, string user, string password, int rtpPort, string extra) =>
        Sipp.RunAsync($"127.0.0.1:{gateway.SipPort} -sf {TestPaths.Scenario(scenario)} -s {number} -key caller {user} -au {user} -ap {password} " +
                      $"-key rtpport {rtpPort} -i 127.0.0.1 -p {Sipp.FreePort()} -t u1 -m 1 -timeout 40s -timeout_error {extra}", TimeSpan.FromSeconds(50));

    /// <summary>The m= port of the 200 the phone got, written by its scenario; fails with sipp's output if sipp ends first.</summary>
    private async Task<int> ReadPortAsync(string path, Task<Sipp.Result> phone)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), out var port)) return port;
            if (phone.IsCompleted)
            {
                output.WriteLine((await phone).Output);
                Assert.Fail("the phone's sipp ended before the call was answered");
            }
            await Task.Delay(50);
        }
        Assert.Fail("no answer at the phone within 20 s");
        return 0;
    }

    /// <summary>The first match of <paramref name="pattern"/> in baresip's output (up to 5 s).</summary>
    private static async Task<Match> WaitForLogAsync(Baresip baresip, Regex pattern)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        Match match;
        while (!(match = pattern.Match(baresip.Log)).Success && DateTime.UtcNow < deadline) await Task.Delay(100);
        return match;
    }

    private static async Task<JsonObject?> WaitForCdrAsync(GatewayProcess gateway, bool allowNone = false)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(allowNone ? 1 : 5);
        while (true)
        {
            foreach (var line in gateway.ReadCdrLines())
                if (JsonNode.Parse(line) is JsonObject record) return record;
            if (DateTime.UtcNow > deadline) return allowNone ? null : throw new TimeoutException($"no CDR in {gateway.CdrPath}");
            await Task.Delay(100);
        }
    }
}
