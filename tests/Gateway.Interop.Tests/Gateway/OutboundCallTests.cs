using System.Text.RegularExpressions;
using Gateway.Interop.Tests.Sip;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>
/// Issue #6, test 2: Chromium calls through the gateway to a sipp trunk whose media is a test RTP echo/sniffer:
/// ringing then answer, audio both ways, DTMF (RFC 4733 and SIP INFO trunks), hangup from either side.
/// </summary>
[Trait("Category", "E2E")]
[Collection(E2eCollection.Name)]
public sealed class OutboundCallTests(ITestOutputHelper output)
{
    private sealed class Setup : IAsyncDisposable
    {
        public required GatewayProcess Gateway { get; init; }
        public required ChromiumDriver Browser { get; init; }
        public required RtpEcho Media { get; init; }
        public required Task<Sipp.Result> Sipp { get; init; }
        public required CancellationTokenSource StopSipp { get; init; }
        public required int Page { get; init; }
        public required ITestOutputHelper Output { get; init; }

        public async ValueTask DisposeAsync()
        {
            Output.WriteLine(Media.Summary());
            await Browser.DisposeAsync();
            await Gateway.DisposeAsync();
            StopSipp.Cancel();
            var sipp = await Sipp;
            Output.WriteLine($"--- sipp logs in {sipp.WorkDirectory} ---");
            Media.Dispose();
            StopSipp.Dispose();
        }
    }

    private async Task<Setup> StartAsync(string scenario, string sippExtra = "", Dictionary<string, string>? settings = null)
    {
        var media = new RtpEcho();
        var port = Sipp.FreePort();
        var stop = new CancellationTokenSource();
        var sipp = E2e.StartSippUas(scenario, port, media.Port, sippExtra, stop: stop.Token);
        GatewayProcess? gateway = null;
        ChromiumDriver? browser = null;
        try
        {
            gateway = await GatewayProcess.StartAsync(output, "gateway-test.yaml",
                new Dictionary<string, string> { ["TRUNK_PORT"] = $"{port}", ["BACKUP_PORT"] = $"{port}" }, settings);
            browser = await ChromiumDriver.StartAsync(output);
            var page = await E2e.OpenDialerAsync(browser, gateway, "bob");
            return new Setup { Gateway = gateway, Browser = browser, Media = media, Sipp = sipp, StopSipp = stop, Page = page, Output = output };
        }
        catch
        {
            if (browser is not null) await browser.DisposeAsync();
            if (gateway is not null) await gateway.DisposeAsync();
            stop.Cancel();
            await sipp;
            media.Dispose();
            throw;
        }
    }

    /// <summary>Dials and asserts ringing, answer, media both ways; returns the call id.</summary>
    private async Task<string> AnsweredCallAsync(Setup s, string number)
    {
        var from = await E2e.DialAsync(s.Browser, s.Page, number);
        var (ringingAt, ringing) = await s.Browser.WaitEventAsync(s.Page, E2e.Step, from, "ringing", "progress", "answer", "hangup", "error");
        Assert.True((string?)ringing["type"] is "ringing" or "progress", $"expected ringing first, got {ringing.ToJsonString()}");
        var (_, answer) = await s.Browser.WaitEventAsync(s.Page, E2e.Step, ringingAt + 1, "answer", "hangup", "error");
        Assert.True((string?)answer["type"] == "answer", $"expected answer, got {answer.ToJsonString()}");
        await s.Browser.WaitStateAsync(s.Page, E2e.Step, "active");
        await E2e.AssertMediaFlowsAsync(s.Browser, s.Page, output);
        output.WriteLine(s.Media.Summary());
        Assert.True(s.Media.Received(0) + s.Media.Received(8) > 20, $"the trunk got no G.711 audio: {s.Media.Summary()}");
        Assert.True(s.Media.Echoed > 0, "nothing echoed to the gateway");
        return (string)answer["id"]!;
    }

    private async Task PressAsync(Setup s, string digits)
    {
        foreach (var digit in digits)
        {
            await s.Browser.ClickAsync(s.Page, $"button[data-digit=\"{digit}\"]");
            await Task.Delay(400);
        }
    }

    private async Task HangUpFromBrowserAsync(Setup s)
    {
        var mark = (await s.Browser.EventsAsync(s.Page)).Count;
        await s.Browser.ClickAsync(s.Page, "#hangup");
        var (_, hangup) = await s.Browser.WaitEventAsync(s.Page, E2e.Step, mark, "hangup");
        Assert.Equal(200, E2e.Code(hangup));
    }

    [SkippableFact(Timeout = 120_000)]
    public async Task CallToTrunkRingsAnswersCarriesAudioAndRfc4733DtmfThenBrowserHangsUp()
    {
        if (!E2e.PeersAvailable(output)) return;
        await using var s = await StartAsync("uas-answer.xml");
        var callId = await AnsweredCallAsync(s, "1000");

        await PressAsync(s, "12#");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (s.Media.Digits.Length < 3 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.True(s.Media.Digits == "12#", $"RFC 4733 digits at the trunk: '{s.Media.Digits}' (PT 101 packets {s.Media.Received(101)}); {s.Media.Summary()}");

        await HangUpFromBrowserAsync(s);
        var sipp = await E2e.AssertSippSucceeded(s.Sipp, output, TimeSpan.FromSeconds(15)); // the scenario ends only on BYE
        Assert.Equal(1, E2e.ReceivedRequests(sipp, "BYE"));

        var cdr = await E2e.WaitForCdrAsync(s.Gateway, callId);
        output.WriteLine($"CDR: {cdr.ToJsonString()}");
        Assert.Equal("outbound", (string?)cdr["direction"]);
        Assert.Equal("primary", (string?)cdr["trunk"]);
        Assert.Equal(200, (int?)cdr["cause"]);
        Assert.True((long?)cdr["packetsToSip"] > 0 && (long?)cdr["packetsToWeb"] > 0, $"CDR packet counts: {cdr.ToJsonString()}");
    }

    [SkippableFact(Timeout = 120_000)]
    public async Task InfoTrunkGetsDtmfAsSipInfo()
    {
        if (!E2e.PeersAvailable(output)) return;
        await using var s = await StartAsync("uas-answer.xml");
        await AnsweredCallAsync(s, "2000");
        await PressAsync(s, "59");
        await Task.Delay(1000);
        await HangUpFromBrowserAsync(s);
        var sipp = await E2e.AssertSippSucceeded(s.Sipp, output, TimeSpan.FromSeconds(15));
        var messages = E2e.SippMessages(sipp);
        Assert.True(E2e.ReceivedRequests(sipp, "INFO") >= 2, $"expected 2 INFO requests; sipp logs {sipp.WorkDirectory}");
        Assert.Matches(new Regex(@"Signal\s*=\s*5"), messages);
        Assert.Matches(new Regex(@"Signal\s*=\s*9"), messages);
        Assert.Equal(0, s.Media.Received(101)); // an INFO trunk gets no telephone-events
    }

    [SkippableFact(Timeout = 120_000)]
    public async Task TrunkHangsUpAndBrowserGetsHangup200()
    {
        if (!E2e.PeersAvailable(output)) return;
        await using var s = await StartAsync("uas-hangup.xml", "-d 8000");
        var mark = (await s.Browser.EventsAsync(s.Page)).Count;
        await AnsweredCallAsync(s, "1000");
        var (_, hangup) = await s.Browser.WaitEventAsync(s.Page, TimeSpan.FromSeconds(15), mark, "hangup");
        Assert.Equal(200, E2e.Code(hangup));
        await s.Browser.WaitStateAsync(s.Page, E2e.Step, "ended", "idle");
        await E2e.AssertSippSucceeded(s.Sipp, output, TimeSpan.FromSeconds(15)); // BYE answered 200
    }
}
