using Gateway.Interop.Tests.Sip;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>
/// Issue #16: two Chromium participants (fake microphones, Opus) and one sipp caller (PCMU, its media a 1 kHz tone from
/// <see cref="RtpTone"/>) in room <c>test</c> (602). Each browser decodes the room's audio with the SIP caller's 1 kHz tone loudest (Web Audio FFT, OpusTranscodingTests.ListenScript); the SIP
/// caller receives the browsers' beeps in PCMU; /metrics counts one room of three.
/// </summary>
[Trait("Category", "E2E")]
[Collection(E2eCollection.Name)]
public sealed class ConferenceTests(ITestOutputHelper output)
{
    [SkippableFact(Timeout = 150_000)]
    public async Task Two_browsers_and_a_SIP_caller_in_one_room_hear_each_other()
    {
        if (!E2e.PeersAvailable(output)) return;
        using var media = new RtpTone();
        await using var gateway = await GatewayProcess.StartAsync(output, "gateway-test.yaml",
            new Dictionary<string, string> { ["TRUNK_PORT"] = "9", ["BACKUP_PORT"] = "9" });
        await using var browser = await ChromiumDriver.StartAsync(output);
        int[] pages = [await E2e.OpenDialerAsync(browser, gateway), await E2e.OpenDialerAsync(browser, gateway)];
        foreach (var page in pages)
        {
            var from = await E2e.DialAsync(browser, page, "602");
            var (_, answer) = await browser.WaitEventAsync(page, E2e.Step, from, "answer", "hangup", "error");
            Assert.True((string?)answer["type"] == "answer", $"expected answer, got {answer.ToJsonString()}");
            await browser.WaitStateAsync(page, E2e.Step, "active");
        }

        using var stop = new CancellationTokenSource();
        var sipp = Sipp.RunAsync(
            $"127.0.0.1:{gateway.SipPort} -sf {TestPaths.Scenario("uac-inbound.xml")} -s 602 -i 127.0.0.1 -p {Sipp.FreePort()} -t u1 " +
            $"-m 1 -d 12000 -key rtpport {media.Port} -timeout 40s -timeout_error", TimeSpan.FromSeconds(50), stop.Token);
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
            PrometheusText metrics;
            do metrics = new PrometheusText(await gateway.GetMetricsAsync());
            while (metrics.Value("gateway_conference_participants") != 3 && DateTime.UtcNow < deadline && await Delay());
            Assert.Equal(3, metrics.Value("gateway_conference_participants"));
            Assert.Equal(1, metrics.Value("gateway_conference_rooms"));

            foreach (var page in pages)
            {
                var heard = (await browser.EvalAsync(page, OpusTranscodingTests.ListenScript))!.AsObject();
                output.WriteLine($"page {page} heard: {heard.ToJsonString()}");
                Assert.True(heard["totalAudioEnergy"]!.GetValue<double>() > 0, $"page {page} decoded no audio from the room");
                Assert.InRange(heard["peakHz"]!.GetValue<double>(), RtpTone.ToneHz - 20, RtpTone.ToneHz + 20); // the SIP caller's tone
            }
            Assert.True(media.Received(0) > 20, $"the SIP caller got no PCMU mix: {media.Summary()}");
            Assert.True(media.PeakReceived > 100, $"the SIP caller's mix is silent: {media.Summary()}"); // the browsers' beeps
            Assert.True(media.Sent > 20, $"the SIP caller sent no tone: {media.Summary()}");

            await E2e.AssertSippSucceeded(sipp, output, TimeSpan.FromSeconds(30)); // 200 to the INVITE, ACK, BYE answered
            foreach (var page in pages)
            {
                var mark = (await browser.EventsAsync(page)).Count;
                await browser.ClickAsync(page, "#hangup");
                await browser.WaitEventAsync(page, E2e.Step, mark, "hangup");
            }
            deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            do metrics = new PrometheusText(await gateway.GetMetricsAsync());
            while (metrics.Value("gateway_conference_rooms") != 0 && DateTime.UtcNow < deadline && await Delay());
            Assert.Equal(0, metrics.Value("gateway_conference_rooms")); // the room ended with its last participant
        }
        finally
        {
            output.WriteLine(media.Summary());
            stop.Cancel();
            await sipp;
        }
    }

    /// <summary>The gateway's scrape is polled: nothing in the process tells the test when a participant has joined.</summary>
    private static async Task<bool> Delay()
    {
        await Task.Delay(200);
        return true;
    }
}
