using System.Text.Json.Nodes;
using Gateway.Interop.Tests.Sip;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>
/// Issue #15: SIP-over-WebSocket clients (RFC 7118) at the gateway's <c>/sip</c> in headless Chromium: JsSIP 3.13 and
/// SIP.js 0.21 register with Digest and call; the page side is <c>js/websip-page.js</c> (the libraries loaded by the
/// driver's "library" op). Audio is checked as audio: the page's microphone is a sine (<see cref="MicrophoneHz"/>) and
/// the remote track's loudest frequency is measured (<see cref="OpusTranscodingTests.HearAsync"/>).
/// </summary>
[Trait("Category", "E2E")]
[Collection(E2eCollection.Name)]
public sealed class WebSipClientTests(ITestOutputHelper output)
{
    private const string AlicePassword = "alice-Secret-42";
    private const string BobPassword = "bob-Secret-42";
    private const double MicrophoneHz = 700;
    /// <summary>The issue's bar on loopback: call start (the library's call()) to ICE+DTLS connected and the first remote audio.</summary>
    private static readonly TimeSpan MediaBar = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    /// <summary>JsSIP registers over /sip, calls the echo application (600), hears its own tone back; media within 1 s of the call's start.</summary>
    [SkippableFact(Timeout = 120_000)]
    public async Task JsSip_calls_the_echo_app_and_hears_its_tone_with_media_under_a_second()
    {
        if (!E2e.PeersAvailable(output, sipp: false)) return;
        await using var gateway = await StartGatewayAsync();
        await using var browser = await ChromiumDriver.StartAsync(output);
        var page = await OpenClientAsync(browser, gateway, "jssip");
        Assert.Equal(200, (await EvalAsync(browser, page, Register("jssip", "alice", AlicePassword)))!.GetValue<int>());
        await RegistrarTests.WaitRegistrationsAsync(gateway, 1, TimeSpan.FromSeconds(5));

        var timing = (await EvalAsync(browser, page, "websip.jssip.call('sip:600@gateway.local')"))!.AsObject();
        AssertMediaUnderBar("JsSIP -> echo", timing);
        await AssertHearsAsync(browser, page, MicrophoneHz, "its own tone echoed");

        var ended = (await EvalAsync(browser, page, "websip.jssip.hangup()"))!.AsObject();
        Assert.Equal("local", (string?)ended["originator"]);
        await WaitNoCallsAsync(gateway);
    }

    /// <summary>
    /// JsSIP (alice, over /sip) calls carol, a web user registered over the signaling protocol on the dialer page, who
    /// accepts: each hears the other's tone (two media sessions joined by the gateway), then carol hangs up (BYE to JsSIP).
    /// </summary>
    [SkippableFact(Timeout = 120_000)]
    public async Task JsSip_calls_a_protocol_registered_web_user_who_answers_with_media()
    {
        const double CarolHz = 1100;
        if (!E2e.PeersAvailable(output, sipp: false)) return;
        await using var gateway = await StartGatewayAsync();
        await using var browser = await ChromiumDriver.StartAsync(output);
        var carol = await E2e.OpenDialerAsync(browser, gateway, "carol");
        await browser.EvalAsync(carol, ConferenceTests.MicrophoneScript(CarolHz));
        var page = await OpenClientAsync(browser, gateway, "jssip");
        Assert.Equal(200, (await EvalAsync(browser, page, Register("jssip", "alice", AlicePassword)))!.GetValue<int>());

        await EvalAsync(browser, page, "websip.jssip.dial('sip:carol@gateway.local')");
        var (_, incoming) = await browser.WaitEventAsync(carol, TimeSpan.FromSeconds(15), 0, "incoming");
        Assert.Contains("alice", (string?)incoming["from"] ?? "");
        await browser.ClickAsync(carol, "#accept");
        await browser.WaitStateAsync(carol, E2e.Step, "active");
        var timing = (await EvalAsync(browser, page, "websip.jssip.connected()"))!.AsObject();
        output.WriteLine($"JsSIP -> carol (answered by a click): {timing.ToJsonString()}");
        await AssertHearsAsync(browser, page, CarolHz, "JsSIP hears carol");
        await AssertHearsAsync(browser, carol, MicrophoneHz, "carol hears JsSIP");

        // carol hangs up: the gateway's BYE reaches JsSIP.
        await browser.ClickAsync(carol, "#hangup");
        await browser.WaitStateAsync(carol, E2e.Step, "ended", "idle");
        var ended = (await EvalAsync(browser, page, "websip.jssip.ended()"))!.AsObject();
        Assert.Equal("remote", (string?)ended["originator"]);
        await WaitNoCallsAsync(gateway);
    }

    /// <summary>
    /// sipp (the trunk pstn's address) calls alice through the dialplan; JsSIP answers and hears its own tone back
    /// through the trunk's RTP echo; its SIP INFO digit reaches the trunk as RFC 4733; sipp hangs up.
    /// </summary>
    [SkippableFact(Timeout = 120_000)]
    public async Task JsSip_answers_a_call_from_sipp_through_the_gateway()
    {
        if (!E2e.PeersAvailable(output)) return;
        using var media = new RtpEcho();
        await using var gateway = await StartGatewayAsync();
        await using var browser = await ChromiumDriver.StartAsync(output);
        var page = await OpenClientAsync(browser, gateway, "jssip");
        Assert.Equal(200, (await EvalAsync(browser, page, Register("jssip", "alice", AlicePassword)))!.GetValue<int>());
        await RegistrarTests.WaitRegistrationsAsync(gateway, 1, TimeSpan.FromSeconds(5));

        using var stop = new CancellationTokenSource();
        var sipp = Sipp.RunAsync(
            $"127.0.0.1:{gateway.SipPort} -sf {TestPaths.Scenario("uac-inbound.xml")} -s alice -i 127.0.0.1 -p {Sipp.FreePort()} -t u1 " +
            $"-m 1 -d 10000 -key rtpport {media.Port} -timeout 40s -timeout_error", TimeSpan.FromSeconds(50), stop.Token);
        try
        {
            var answered = (await EvalAsync(browser, page, "websip.jssip.answerNext()"))!.AsObject();
            output.WriteLine($"JsSIP answered sipp: {answered.ToJsonString()}");
            Assert.Contains("441632960000", (string?)answered["from"] ?? "");
            await AssertHearsAsync(browser, page, MicrophoneHz, "its own tone through the trunk's echo");
            await EvalAsync(browser, page, "websip.jssip.dtmf('7')");
            await WaitDigitsAsync(media, "7");
            var ended = (await EvalAsync(browser, page, "websip.jssip.ended()"))!.AsObject();
            Assert.Equal("remote", (string?)ended["originator"]);
            await E2e.AssertSippSucceeded(sipp, output, TimeSpan.FromSeconds(15));
        }
        finally
        {
            output.WriteLine(media.Summary());
            stop.Cancel();
            await sipp;
        }
    }

    /// <summary>
    /// JsSIP calls a number (the trunk pstn, a sipp UAS whose media is an RTP echo) and sends SIP INFO DTMF
    /// (application/dtmf-relay): the digit arrives at the trunk as RFC 4733 telephone-events; audio is its own tone back.
    /// </summary>
    [SkippableFact(Timeout = 120_000)]
    public async Task JsSip_info_dtmf_reaches_the_sipp_trunk_as_rfc4733()
    {
        if (!E2e.PeersAvailable(output)) return;
        using var media = new RtpEcho();
        var trunkPort = Sipp.FreePort();
        using var stop = new CancellationTokenSource();
        var sipp = E2e.StartSippUas("uas-answer.xml", trunkPort, media.Port, timeout: TimeSpan.FromSeconds(60), stop: stop.Token);
        try
        {
            await using var gateway = await StartGatewayAsync(trunkPort);
            await using var browser = await ChromiumDriver.StartAsync(output);
            var page = await OpenClientAsync(browser, gateway, "jssip");
            Assert.Equal(200, (await EvalAsync(browser, page, Register("jssip", "alice", AlicePassword)))!.GetValue<int>());

            var timing = (await EvalAsync(browser, page, "websip.jssip.call('sip:14155550100@gateway.local')"))!.AsObject();
            output.WriteLine($"JsSIP -> trunk: {timing.ToJsonString()}");
            await AssertHearsAsync(browser, page, MicrophoneHz, "its own tone through the trunk's echo");
            await EvalAsync(browser, page, "websip.jssip.dtmf('5')");
            await WaitDigitsAsync(media, "5");
            Assert.True(media.Received(101) >= 3, $"RFC 4733 event packets: {media.Summary()}");

            var ended = (await EvalAsync(browser, page, "websip.jssip.hangup()"))!.AsObject();
            Assert.Equal("local", (string?)ended["originator"]);
            await E2e.AssertSippSucceeded(sipp, output, TimeSpan.FromSeconds(15)); // exit 0: the BYE came
        }
        finally
        {
            output.WriteLine(media.Summary());
            stop.Cancel();
            await sipp;
        }
    }

    /// <summary>SIP.js 0.21.2 registers over /sip and calls the echo application: its tone back, media within 1 s.</summary>
    [SkippableFact(Timeout = 120_000)]
    public async Task SipJs_registers_and_calls_the_echo_app()
    {
        if (!E2e.PeersAvailable(output, sipp: false)) return;
        await using var gateway = await StartGatewayAsync();
        await using var browser = await ChromiumDriver.StartAsync(output);
        var page = await OpenClientAsync(browser, gateway, "sipjs");
        Assert.Equal(200, (await EvalAsync(browser, page, Register("sipjs", "bob", BobPassword)))!.GetValue<int>());
        await RegistrarTests.WaitRegistrationsAsync(gateway, 1, TimeSpan.FromSeconds(5));

        var timing = (await EvalAsync(browser, page, "websip.sipjs.call('sip:600@gateway.local')"))!.AsObject();
        AssertMediaUnderBar("SIP.js -> echo", timing);
        await AssertHearsAsync(browser, page, MicrophoneHz, "its own tone echoed");
        Assert.Equal(true, (await EvalAsync(browser, page, "websip.sipjs.hangup()"))?.GetValue<bool>());
        await WaitNoCallsAsync(gateway);
    }

    // ---- helpers ----

    private Task<GatewayProcess> StartGatewayAsync(int trunkPort = 9) =>
        GatewayProcess.StartAsync(output, "websip-test.yaml", new Dictionary<string, string> { ["TRUNK_PORT"] = $"{trunkPort}" },
            environment: new Dictionary<string, string> { ["ALICE_PASSWORD"] = AlicePassword, ["BOB_PASSWORD"] = BobPassword });

    /// <summary>A page of the gateway's origin (so Chromium lets it reach loopback) with the library, js/websip-page.js and a sine microphone.</summary>
    private static async Task<int> OpenClientAsync(ChromiumDriver browser, GatewayProcess gateway, string library, double hz = MicrophoneHz)
    {
        var page = await browser.OpenAsync(new Uri(gateway.BaseUri, "/healthz"));
        var loaded = await browser.SendAsync("library", new { page, name = library }, TimeSpan.FromSeconds(20)); // and js/websip-page.js
        Assert.NotNull(loaded["version"]);
        await browser.EvalAsync(page, $"websip.tone({hz})");
        return page;
    }

    /// <summary>Registers <paramref name="user"/> with <paramref name="library"/> ("jssip" or "sipjs") over ws://127.0.0.1:&lt;HttpPort&gt;/sip.</summary>
    private static string Register(string library, string user, string password) =>
        $"websip.{library}.start(window.location.origin.replace(/^http/, 'ws') + '/sip', 'sip:{user}@gateway.local', '{password}')";

    private static async Task<JsonNode?> EvalAsync(ChromiumDriver browser, int page, string expression) =>
        (await browser.SendAsync("eval", new { page, expr = expression }, Step))["value"];

    /// <summary>Prints the page's timings and asserts ICE+DTLS and the first remote audio came within <see cref="MediaBar"/>.</summary>
    private void AssertMediaUnderBar(string what, JsonObject timing)
    {
        var connected = timing["connectedMs"]!.GetValue<double>();
        var firstAudio = timing["firstAudioMs"]!.GetValue<double>();
        output.WriteLine($"{what}: call start -> ICE+DTLS connected {connected:F0} ms, first remote audio {firstAudio:F0} ms" +
                         (timing["confirmedMs"] is { } confirmed ? $", 200/ACK {confirmed} ms" : ""));
        Assert.True(connected < MediaBar.TotalMilliseconds, $"{what}: ICE+DTLS connected after {connected} ms (bar {MediaBar.TotalMilliseconds} ms)");
        Assert.True(firstAudio < MediaBar.TotalMilliseconds, $"{what}: first remote audio after {firstAudio} ms (bar {MediaBar.TotalMilliseconds} ms)");
    }

    /// <summary>
    /// The remote track's loudest frequency is <paramref name="hz"/> and it is loud (up to three 1.5 s windows of
    /// <see cref="OpusTranscodingTests.ListenScript"/>: the first may fall before the far end's audio arrives).
    /// </summary>
    private async Task AssertHearsAsync(ChromiumDriver browser, int page, double hz, string what)
    {
        JsonObject heard = [];
        for (var window = 0; window < 3; window++)
        {
            heard = (await browser.EvalAsync(page, OpusTranscodingTests.ListenScript))!.AsObject();
            output.WriteLine($"heard ({what}), window {window}: {heard.ToJsonString()}");
            if (Math.Abs(heard["peakHz"]!.GetValue<double>() - hz) <= 20 && heard["peakDb"]!.GetValue<double>() > -50) break;
        }
        Assert.InRange(heard["peakHz"]!.GetValue<double>(), hz - 20, hz + 20);
        Assert.True(heard["peakDb"]!.GetValue<double>() > -50, $"the tone is too faint: {heard.ToJsonString()}");
        Assert.True(heard["samplesReceived"]!.GetValue<double>() > 0, $"no inbound audio samples: {heard.ToJsonString()}");
    }

    private static async Task WaitDigitsAsync(RtpEcho media, string digits)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (media.Digits != digits && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.True(media.Digits == digits, $"RFC 4733 digits at the trunk: '{media.Digits}', expected '{digits}'; {media.Summary()}");
    }

    private static async Task WaitNoCallsAsync(GatewayProcess gateway)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        double? calls = null;
        while (DateTime.UtcNow < deadline)
        {
            calls = new PrometheusText(await gateway.GetMetricsAsync()).Value("gateway_active_calls");
            if (calls == 0) return;
            await Task.Delay(100);
        }
        Assert.Fail($"gateway_active_calls stayed {calls}; log {gateway.LogPath}");
    }
}
