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
                var heard = await OpusTranscodingTests.HearAsync(browser, page, RtpTone.ToneHz);
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

    /// <summary>
    /// Three Chromium participants, each one's microphone a sine of its own (440, 700, 1500 Hz; Web Audio oscillator in
    /// place of getUserMedia), and the sipp caller's 1 kHz: each browser hears the other two browsers and the SIP caller
    /// but not itself (its own frequency at least 15 dB under the quietest other in its decoded audio: mix-minus); after the
    /// first participant presses *6 (mute by DTMF), the others no longer hear its tone.
    /// </summary>
    [SkippableFact(Timeout = 180_000)]
    public async Task Each_participant_hears_the_others_but_not_itself_and_mute_removes_its_tone()
    {
        if (!E2e.PeersAvailable(output)) return;
        double[] tones = [440, 700, 1500];
        using var media = new RtpTone();
        await using var gateway = await GatewayProcess.StartAsync(output, "gateway-test.yaml",
            new Dictionary<string, string> { ["TRUNK_PORT"] = "9", ["BACKUP_PORT"] = "9" });
        await using var browser = await ChromiumDriver.StartAsync(output);
        var pages = new int[tones.Length];
        for (var i = 0; i < tones.Length; i++)
        {
            pages[i] = await E2e.OpenDialerAsync(browser, gateway);
            await browser.EvalAsync(pages[i], MicrophoneScript(tones[i]));
            var from = await E2e.DialAsync(browser, pages[i], "602");
            var (_, answer) = await browser.WaitEventAsync(pages[i], E2e.Step, from, "answer", "hangup", "error");
            Assert.True((string?)answer["type"] == "answer", $"expected answer, got {answer.ToJsonString()}");
            await browser.WaitStateAsync(pages[i], E2e.Step, "active");
        }
        using var stop = new CancellationTokenSource();
        var sipp = Sipp.RunAsync(
            $"127.0.0.1:{gateway.SipPort} -sf {TestPaths.Scenario("uac-inbound.xml")} -s 602 -i 127.0.0.1 -p {Sipp.FreePort()} -t u1 " +
            $"-m 1 -d 20000 -key rtpport {media.Port} -timeout 50s -timeout_error", TimeSpan.FromSeconds(60), stop.Token);
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
            PrometheusText metrics;
            do metrics = new PrometheusText(await gateway.GetMetricsAsync());
            while (metrics.Value("gateway_conference_participants") != 4 && DateTime.UtcNow < deadline && await Delay());
            Assert.Equal(4, metrics.Value("gateway_conference_participants"));

            double[] all = [.. tones, RtpTone.ToneHz];
            for (var i = 0; i < pages.Length; i++)
            {
                var levels = await LevelsAsync(browser, pages[i], all);
                output.WriteLine($"page {i} ({tones[i]} Hz) hears {string.Join(", ", all.Select((f, k) => $"{f} Hz {levels[k]:F0} dB"))}");
                var others = Enumerable.Range(0, all.Length).Where(k => k != i).Select(k => levels[k]).ToList();
                // Mix-minus: its own tone is absent (what is left at its frequency is the others' spectral leakage and
                // Opus noise, 20-50 dB down); hearing itself would put it level with the others.
                Assert.True(levels[i] < others.Min() - 15, $"page {i} hears itself: own {levels[i]:F0} dB, others {string.Join("/", others.Select(l => l.ToString("F0")))} dB");
            }

            var before = (await LevelsAsync(browser, pages[1], [tones[0]]))[0];
            await browser.ClickAsync(pages[0], "button[data-digit=\"*\"]");
            await browser.ClickAsync(pages[0], "button[data-digit=\"6\"]");
            double after = before;
            deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (after > before - 20 && DateTime.UtcNow < deadline) after = (await LevelsAsync(browser, pages[1], [tones[0]]))[0];
            output.WriteLine($"page 1 hears page 0's {tones[0]} Hz at {before:F0} dB, {after:F0} dB after *6");
            Assert.True(after < before - 20, $"muting did not remove page 0's tone: {before:F0} -> {after:F0} dB");
        }
        finally
        {
            output.WriteLine(media.Summary());
            stop.Cancel();
            await sipp;
        }
    }

    /// <summary>Replaces the page's microphone with a sine at <paramref name="hz"/> (the dialer asks getUserMedia when it calls).</summary>
    internal static string MicrophoneScript(double hz) => $$"""
        (() => {
          navigator.mediaDevices.getUserMedia = async () => {
            const ctx = new AudioContext();
            await ctx.resume();
            const tone = ctx.createOscillator();
            tone.frequency.value = {{hz}};
            const gain = ctx.createGain();
            gain.gain.value = 0.3;
            const out = ctx.createMediaStreamDestination();
            tone.connect(gain).connect(out);
            tone.start();
            window.__microphone = ctx;
            return out.stream;
          };
          return true;
        })()
        """;

    /// <summary>The decoded room audio's level (dB, Web Audio FFT over 1.5 s, the loudest bin within 2 bins) at each frequency.</summary>
    private static async Task<double[]> LevelsAsync(ChromiumDriver browser, int page, double[] frequencies)
    {
        var script = $$"""
            (async () => {
              const receiver = window.gateway.pc.getReceivers().find(r => r.track && r.track.kind === 'audio');
              const ctx = new AudioContext();
              await ctx.resume();
              const analyser = ctx.createAnalyser();
              analyser.fftSize = 8192;
              analyser.smoothingTimeConstant = 0.8;
              ctx.createMediaStreamSource(new MediaStream([receiver.track])).connect(analyser);
              await new Promise(r => setTimeout(r, 1500));
              const bins = new Float32Array(analyser.frequencyBinCount);
              analyser.getFloatFrequencyData(bins);
              const at = f => { const c = Math.round(f * analyser.fftSize / ctx.sampleRate); let m = -200;
                for (let i = Math.max(0, c - 2); i <= c + 2; i++) m = Math.max(m, bins[i]); return m; };
              const levels = [{{string.Join(",", frequencies)}}].map(at);
              await ctx.close();
              return levels;
            })()
            """;
        var result = (await browser.EvalAsync(page, script))!.AsArray();
        return [.. result.Select(v => v!.GetValue<double>() is var d && double.IsFinite(d) ? d : -200)];
    }

    /// <summary>The gateway's scrape is polled: nothing in the process tells the test when a participant has joined.</summary>
    private static async Task<bool> Delay()
    {
        await Task.Delay(200);
        return true;
    }
}
