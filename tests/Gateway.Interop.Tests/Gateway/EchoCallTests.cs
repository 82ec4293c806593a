using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>Issue #6, test 1: Chromium on the dialer page calls the echo application (600); no SIP peer involved.</summary>
[Trait("Category", "E2E")]
[Collection(E2eCollection.Name)]
public sealed class EchoCallTests(ITestOutputHelper output)
{
    /// <summary>Anonymous (the page at / dials straight away) and registered (<c>?user=carol</c>) callers.</summary>
    [SkippableTheory(Timeout = 90_000)]
    [InlineData(null)]
    [InlineData("carol")]
    public async Task BrowserCallsEchoGetsItsAudioBackAndHangsUp(string? user)
    {
        if (!E2e.PeersAvailable(output, sipp: false)) return;
        await using var gateway = await GatewayProcess.StartAsync(output, "gateway-test.yaml",
            new Dictionary<string, string> { ["TRUNK_PORT"] = "9", ["BACKUP_PORT"] = "9" });
        await using var browser = await ChromiumDriver.StartAsync(output);
        var page = await E2e.OpenDialerAsync(browser, gateway, user);

        var from = await E2e.DialAsync(browser, page, "600");
        var (_, answer) = await browser.WaitEventAsync(page, E2e.Step, from, "answer", "hangup", "error");
        Assert.True((string?)answer["type"] == "answer", $"expected answer, got {answer.ToJsonString()}");
        Assert.Equal("active", await browser.WaitStateAsync(page, E2e.Step, "active"));
        var (before, after) = await E2e.AssertMediaFlowsAsync(browser, page, output);
        Assert.Equal("succeeded", after.SelectedPairState);

        var mark = (await browser.EventsAsync(page)).Count;
        await browser.ClickAsync(page, "#hangup");
        var (_, hangup) = await browser.WaitEventAsync(page, E2e.Step, mark, "hangup");
        Assert.Equal(200, E2e.Code(hangup));
        await browser.WaitStateAsync(page, E2e.Step, "ended", "idle");
        output.WriteLine($"echo: inbound {before.PacketsReceived} -> {after.PacketsReceived} packets, codec {after.Codec}");
    }
}
