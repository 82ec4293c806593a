using Gateway.Interop.Tests.Sip;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>Issue #6, test 3: a sipp phone calls the web user alice registered from Chromium's dialer page.</summary>
[Trait("Category", "E2E")]
[Collection(E2eCollection.Name)]
public sealed class InboundCallTests(ITestOutputHelper output)
{
    [SkippableFact(Timeout = 120_000)]
    public async Task SipPhoneCallsWebUserWhoAcceptsThenPhoneHangsUp()
    {
        if (!E2e.PeersAvailable(output)) return;
        using var media = new RtpEcho();
        await using var gateway = await StartGatewayAsync();
        await using var browser = await ChromiumDriver.StartAsync(output);
        var page = await E2e.OpenDialerAsync(browser, gateway, user: "alice");

        using var stop = new CancellationTokenSource();
        var sipp = CallAlice(gateway, "uac-inbound.xml", media, pauseMs: 8000, timeoutSeconds: 60, stop.Token);
        try
        {
            var (incomingAt, incoming) = await browser.WaitEventAsync(page, TimeSpan.FromSeconds(15), 0, "incoming");
            Assert.Contains("441632960000", (string?)incoming["from"] ?? "");
            await browser.WaitStateAsync(page, E2e.Step, "incoming");
            Assert.Equal(true, (await browser.EvalAsync(page, "(() => { const e = document.querySelector('#incoming'); return !!e && !e.hidden && getComputedStyle(e).display !== 'none'; })()"))?.GetValue<bool>());
            Assert.Contains("441632960000", (await browser.EvalAsync(page, "document.querySelector('#incoming-from')?.textContent ?? ''"))?.GetValue<string>() ?? "");
            await browser.ClickAsync(page, "#accept");
            await browser.WaitStateAsync(page, E2e.Step, "active");

            await E2e.AssertMediaFlowsAsync(browser, page, output);
            Assert.True(media.Received(0) + media.Received(8) > 20, $"the phone got no G.711 audio: {media.Summary()}");

            var (_, hangup) = await browser.WaitEventAsync(page, TimeSpan.FromSeconds(15), incomingAt, "hangup");
            Assert.Equal(200, E2e.Code(hangup));
            // Exit 0: the INVITE got its 200 (sipp ACKed it) and the BYE its 200.
            await E2e.AssertSippSucceeded(sipp, output, TimeSpan.FromSeconds(15));
        }
        finally
        {
            output.WriteLine(media.Summary());
            stop.Cancel();
            await sipp;
        }
    }

    /// <summary>protocol.md, Presence: two registrations of alice both ring; the first to answer wins, the other is told.</summary>
    [SkippableFact(Timeout = 120_000)]
    public async Task TwoRegistrationsRingAndTheFirstToAnswerWins()
    {
        if (!E2e.PeersAvailable(output)) return;
        using var media = new RtpEcho();
        await using var gateway = await StartGatewayAsync();
        await using var browser = await ChromiumDriver.StartAsync(output);
        var desk = await E2e.OpenDialerAsync(browser, gateway, user: "alice");
        var mobile = await E2e.OpenDialerAsync(browser, gateway, user: "alice");

        using var stop = new CancellationTokenSource();
        var sipp = CallAlice(gateway, "uac-inbound.xml", media, pauseMs: 6000, timeoutSeconds: 60, stop.Token);
        try
        {
            var (deskAt, _) = await browser.WaitEventAsync(desk, TimeSpan.FromSeconds(15), 0, "incoming");
            var (mobileAt, _) = await browser.WaitEventAsync(mobile, TimeSpan.FromSeconds(15), 0, "incoming");
            await browser.WaitStateAsync(desk, E2e.Step, "incoming");
            await browser.WaitStateAsync(mobile, E2e.Step, "incoming");
            await browser.ClickAsync(desk, "#accept");
            var (_, lost) = await browser.WaitEventAsync(mobile, E2e.Step, mobileAt, "hangup");
            output.WriteLine($"the other registration got {lost.ToJsonString()}");
            Assert.Equal(487, E2e.Code(lost)); // protocol.md: 487 when another device answered
            await browser.WaitStateAsync(mobile, E2e.Step, "ended", "idle");
            await E2e.AssertMediaFlowsAsync(browser, desk, output);
            var (_, hangup) = await browser.WaitEventAsync(desk, TimeSpan.FromSeconds(15), deskAt, "hangup");
            Assert.Equal(200, E2e.Code(hangup));
            await E2e.AssertSippSucceeded(sipp, output, TimeSpan.FromSeconds(15));
        }
        finally
        {
            output.WriteLine(media.Summary());
            stop.Cancel();
            await sipp;
        }
    }

    [SkippableFact(Timeout = 90_000)]
    public async Task WebUserRejectsAndThePhoneGets486()
    {
        if (!E2e.PeersAvailable(output)) return;
        using var media = new RtpEcho();
        await using var gateway = await StartGatewayAsync();
        await using var browser = await ChromiumDriver.StartAsync(output);
        var page = await E2e.OpenDialerAsync(browser, gateway, user: "alice");

        using var stop = new CancellationTokenSource();
        var sipp = CallAlice(gateway, "uac-rejected.xml", media, pauseMs: null, timeoutSeconds: 30, stop.Token);
        try
        {
            await browser.WaitEventAsync(page, TimeSpan.FromSeconds(15), 0, "incoming");
            await browser.WaitStateAsync(page, E2e.Step, "incoming");
            await browser.ClickAsync(page, "#reject");
            await E2e.AssertSippSucceeded(sipp, output, TimeSpan.FromSeconds(15)); // 486 received and ACKed
            await browser.WaitStateAsync(page, E2e.Step, "ended", "idle");
        }
        finally
        {
            stop.Cancel();
            await sipp;
        }
    }

    /// <summary>A gateway whose trunks point nowhere (port 9): the phone below is its only SIP peer.</summary>
    private Task<GatewayProcess> StartGatewayAsync() => GatewayProcess.StartAsync(output, "gateway-test.yaml",
        new Dictionary<string, string> { ["TRUNK_PORT"] = "9", ["BACKUP_PORT"] = "9" });

    /// <summary>sipp as the phone: one call to alice by <paramref name="scenario"/>, its RTP to <paramref name="media"/>.</summary>
    private static Task<Sipp.Result> CallAlice(GatewayProcess gateway, string scenario, RtpEcho media, int? pauseMs, int timeoutSeconds,
        CancellationToken stop) =>
        Sipp.RunAsync(
            $"127.0.0.1:{gateway.SipPort} -sf {TestPaths.Scenario(scenario)} -s alice -i 127.0.0.1 -p {Sipp.FreePort()} -t u1 " +
            $"-m 1 {(pauseMs is { } ms ? $"-d {ms} " : "")}-key rtpport {media.Port} -timeout {timeoutSeconds}s -timeout_error",
            TimeSpan.FromSeconds(timeoutSeconds + 10), stop);
}
