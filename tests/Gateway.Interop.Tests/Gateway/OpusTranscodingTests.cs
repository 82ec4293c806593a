using System.Text.Json.Nodes;
using Gateway.Interop.Tests.Sip;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>
/// Issue #16: Chromium (fake microphone) gets Opus from the gateway while the SIP side speaks PCMU (route 7xxx, trunk
/// <c>opus</c> with <c>web_codec: opus</c>), and the echo application answers in Opus.
/// </summary>
[Trait("Category", "E2E")]
[Collection(E2eCollection.Name)]
public sealed class OpusTranscodingTests(ITestOutputHelper output)
{
    /// <summary>The remote track's loudest frequency over a 1.5 s window (Web Audio AnalyserNode FFT), and inbound-rtp counters.</summary>
    internal const string ListenScript = """
        (async () => {
          const pc = window.gateway.pc;
          const receiver = pc.getReceivers().find(r => r.track && r.track.kind === 'audio');
          const ctx = new AudioContext();
          await ctx.resume();
          const source = ctx.createMediaStreamSource(new MediaStream([receiver.track]));
          const analyser = ctx.createAnalyser();
          analyser.fftSize = 8192;
          analyser.smoothingTimeConstant = 0;
          source.connect(analyser);
          await new Promise(r => setTimeout(r, 1500));
          const bins = new Float32Array(analyser.frequencyBinCount);
          analyser.getFloatFrequencyData(bins);
          let best = 1;
          for (let i = 2; i < bins.length; i++) if (bins[i] > bins[best]) best = i;
          let inbound = {};
          (await pc.getStats()).forEach(s => { if (s.type === 'inbound-rtp' && s.kind === 'audio') inbound = s; });
          const result = { peakHz: best * ctx.sampleRate / analyser.fftSize, peakDb: bins[best],
            totalAudioEnergy: inbound.totalAudioEnergy ?? 0, audioLevel: inbound.audioLevel ?? 0,
            samplesReceived: inbound.totalSamplesReceived ?? 0, concealed: inbound.concealedSamples ?? 0 };
          await ctx.close();
          return result;
        })()
        """;

    /// <summary>
    /// Listens (<see cref="ListenScript"/>) up to three 1.5 s windows until <paramref name="hz"/> is the loudest; returns
    /// that window's result, or the last one. A window can fall on a moment the browser conceals (one CI run saw 0.66 s).
    /// </summary>
    internal static async Task<System.Text.Json.Nodes.JsonObject> HearAsync(ChromiumDriver browser, int page, double hz)
    {
        System.Text.Json.Nodes.JsonObject heard = [];
        for (var attempt = 0; attempt < 3; attempt++)
        {
            heard = (await browser.EvalAsync(page, ListenScript))!.AsObject();
            if (Math.Abs(heard["peakHz"]!.GetValue<double>() - hz) <= 20) break;
        }
        return heard;
    }

    [SkippableFact(Timeout = 90_000)]
    public async Task BrowserGetsOpusTheTrunkGetsPcmuAndTheTrunksToneArrivesAt1kHz()
    {
        if (!E2e.PeersAvailable(output)) return;
        using var media = new RtpTone();
        var port = Sipp.FreePort();
        using var stop = new CancellationTokenSource();
        var sipp = E2e.StartSippUas("uas-answer.xml", port, media.Port, stop: stop.Token);
        try
        {
            await using var gateway = await GatewayProcess.StartAsync(output, "gateway-test.yaml",
                new Dictionary<string, string> { ["TRUNK_PORT"] = $"{port}", ["BACKUP_PORT"] = $"{port}" });
            await using var browser = await ChromiumDriver.StartAsync(output);
            var page = await E2e.OpenDialerAsync(browser, gateway, "dave");
            var from = await E2e.DialAsync(browser, page, "7000");
            var (_, answer) = await browser.WaitEventAsync(page, E2e.Step, from, "answer", "hangup", "error");
            Assert.True((string?)answer["type"] == "answer", $"expected answer, got {answer.ToJsonString()}");
            await browser.WaitStateAsync(page, E2e.Step, "active");
            var (_, after) = await E2e.AssertMediaFlowsAsync(browser, page, output);
            Assert.Equal("audio/opus", after.Codec);

            var heard = await HearAsync(browser, page, RtpTone.ToneHz);
            output.WriteLine($"browser heard: {heard.ToJsonString()}; {media.Summary()}");
            Assert.True(media.Received(0) > 20, $"the trunk got no PCMU: {media.Summary()}");
            Assert.Equal(0, media.Received(111));
            Assert.True(media.PeakReceived > 100, $"the trunk's PCMU is silent: {media.Summary()}"); // Chromium's fake microphone beeps
            Assert.True(heard["totalAudioEnergy"]!.GetValue<double>() > 0, "the browser decoded no audio energy");
            Assert.InRange(heard["peakHz"]!.GetValue<double>(), RtpTone.ToneHz - 20, RtpTone.ToneHz + 20);

            var mark = (await browser.EventsAsync(page)).Count;
            await browser.ClickAsync(page, "#hangup");
            await browser.WaitEventAsync(page, E2e.Step, mark, "hangup");
        }
        finally
        {
            stop.Cancel();
            var result = await sipp;
            output.WriteLine($"--- sipp logs in {result.WorkDirectory} ---");
        }
    }

    /// <summary>The other direction of the call: a phone on a <c>web_codec: opus</c> trunk calls alice; she gets Opus, it gets PCMU.</summary>
    [SkippableFact(Timeout = 90_000)]
    public async Task AnInboundCallFromAnOpusTrunkReachesTheBrowserInOpusAndThePhoneInPcmu()
    {
        if (!E2e.PeersAvailable(output)) return;
        using var media = new RtpTone();
        await using var gateway = await GatewayProcess.StartAsync(output, "inbound-opus.yaml");
        await using var browser = await ChromiumDriver.StartAsync(output);
        var page = await E2e.OpenDialerAsync(browser, gateway, user: "alice");
        using var stop = new CancellationTokenSource();
        var sipp = Sipp.RunAsync(
            $"127.0.0.1:{gateway.SipPort} -sf {TestPaths.Scenario("uac-inbound.xml")} -s alice -i 127.0.0.1 -p {Sipp.FreePort()} -t u1 " +
            $"-m 1 -d 8000 -key rtpport {media.Port} -timeout 40s -timeout_error", TimeSpan.FromSeconds(50), stop.Token);
        try
        {
            await browser.WaitEventAsync(page, TimeSpan.FromSeconds(15), 0, "incoming");
            await browser.WaitStateAsync(page, E2e.Step, "incoming");
            await browser.ClickAsync(page, "#accept");
            await browser.WaitStateAsync(page, E2e.Step, "active");
            var (_, after) = await E2e.AssertMediaFlowsAsync(browser, page, output);
            Assert.Equal("audio/opus", after.Codec);
            var heard = await HearAsync(browser, page, RtpTone.ToneHz);
            output.WriteLine($"browser heard: {heard.ToJsonString()}; {media.Summary()}");
            Assert.InRange(heard["peakHz"]!.GetValue<double>(), RtpTone.ToneHz - 20, RtpTone.ToneHz + 20);
            Assert.True(media.Received(0) > 20, $"the phone got no PCMU: {media.Summary()}");
            Assert.Equal(0, media.Received(111));
            Assert.True(media.PeakReceived > 100, $"the phone's PCMU is silent: {media.Summary()}");
            await E2e.AssertSippSucceeded(sipp, output, TimeSpan.FromSeconds(20));
        }
        finally
        {
            stop.Cancel();
            await sipp;
        }
    }

    [SkippableFact(Timeout = 60_000)]
    public async Task EchoAnswersInOpusAndTheAudioComesBack()
    {
        if (!E2e.PeersAvailable(output, sipp: false)) return;
        await using var gateway = await GatewayProcess.StartAsync(output, "gateway-test.yaml",
            new Dictionary<string, string> { ["TRUNK_PORT"] = "9", ["BACKUP_PORT"] = "9" });
        await using var browser = await ChromiumDriver.StartAsync(output);
        var page = await E2e.OpenDialerAsync(browser, gateway);
        var from = await E2e.DialAsync(browser, page, "600");
        var (_, answer) = await browser.WaitEventAsync(page, E2e.Step, from, "answer", "hangup", "error");
        Assert.True((string?)answer["type"] == "answer", $"expected answer, got {answer.ToJsonString()}");
        await browser.WaitStateAsync(page, E2e.Step, "active");
        var (_, after) = await E2e.AssertMediaFlowsAsync(browser, page, output);
        Assert.Equal("audio/opus", after.Codec);
        var heard = (await browser.EvalAsync(page, ListenScript))!.AsObject();
        output.WriteLine($"browser heard its echo: {heard.ToJsonString()}");
        Assert.True(heard["totalAudioEnergy"]!.GetValue<double>() > 0, "the echoed Opus carried no audio energy");
    }
}
