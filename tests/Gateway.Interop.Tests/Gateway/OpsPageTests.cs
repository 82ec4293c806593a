using Gateway.Interop.Tests.Sip;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>
/// Issue #19: the ops page at /admin in Chromium against a running gateway, with a live call (the dialer calling a sipp
/// trunk that answers): the page is refused without the admin token, shows the call with its sparkline once the token
/// is typed in, renders something (a screenshot with many colours), and hangs the call up through DELETE /api/v1/calls/{id}.
/// </summary>
[Trait("Category", "E2E")]
[Collection(E2eCollection.Name)]
public sealed class OpsPageTests(ITestOutputHelper output)
{
    private const string AdminToken = "interop-ops-token-0123456789abcdef";

    [SkippableFact(Timeout = 60_000)]
    public async Task OpsPageShowsTheLiveCallWithTheAdminTokenAndHangsItUp()
    {
        if (!E2e.PeersAvailable(output)) return;
        using var media = new RtpEcho();
        var port = Sipp.FreePort();
        using var stop = new CancellationTokenSource();
        var sipp = E2e.StartSippUas("uas-answer.xml", port, media.Port, stop: stop.Token);
        try
        {
            await using var gateway = await GatewayProcess.StartAsync(output, "gateway-test.yaml",
                new Dictionary<string, string> { ["TRUNK_PORT"] = $"{port}", ["BACKUP_PORT"] = $"{port}" },
                new Dictionary<string, string> { ["Admin:AllowLoopback"] = "false", ["Admin:Tokens:0"] = AdminToken });
            await using var browser = await ChromiumDriver.StartAsync(output);
            var dialer = await E2e.OpenDialerAsync(browser, gateway, "bob");
            var from = await E2e.DialAsync(browser, dialer, "1000");
            var (_, answer) = await browser.WaitEventAsync(dialer, E2e.Step, from, "answer", "hangup", "error");
            Assert.True((string?)answer["type"] == "answer", $"expected answer, got {answer.ToJsonString()}");
            await browser.WaitStateAsync(dialer, E2e.Step, "active");

            var ops = await browser.OpenAsync(new Uri(gateway.BaseUri, "/admin"));
            // Loopback is not trusted here: without the token the page is refused and says so.
            Assert.Equal("token needed", await WaitForAsync(browser, ops, "window.ops.error", v => v == "token needed"));

            await browser.FillAsync(ops, "#token", AdminToken);
            await browser.ClickAsync(ops, "#save");
            await WaitForAsync(browser, ops, "window.ops.calls.length + ':' + window.ops.error", v => v == "1:null");
            await WaitForAsync(browser, ops, "String(window.ops.polls >= 3 && document.querySelectorAll('#calls canvas.spark').length)", v => v == "1");
            var call = (await browser.EvalAsync(ops, "window.ops.calls[0]"))!;
            output.WriteLine($"ops page call: {call.ToJsonString()}");
            Assert.Equal("active", (string?)call["state"]);
            Assert.Equal("primary", (string?)call["trunk"]);
            Assert.Equal("outbound", (string?)call["direction"]);
            Assert.NotNull(call["codec"]);
            Assert.NotNull(call["media"]);
            Assert.Equal("true", (await browser.EvalAsync(ops, "String(sessionStorage.getItem('gateway-admin-token') === '" + AdminToken + "')"))?.ToString());
            Assert.Equal("true", (await browser.EvalAsync(ops, "String(window.ops.trunks.length > 0 && window.ops.rate.counts.length === 60 && window.ops.dialplan.status === 200)"))?.ToString());

            var png = Path.Combine(gateway.WorkDirectory, "ops-page.png");
            var shot = await browser.SendAsync("screenshot", new { page = ops, path = png });
            output.WriteLine($"screenshot {png}: {shot.ToJsonString()}");
            Assert.True((int)shot["colours"]! > 20, $"the ops page looks blank: {shot.ToJsonString()} ({png})");

            var mark = (await browser.EventsAsync(dialer)).Count;
            await browser.ClickAsync(ops, "#calls button.stop");
            await browser.WaitEventAsync(dialer, E2e.Step, mark, "hangup");
            await WaitForAsync(browser, ops, "String(window.ops.calls.length)", v => v == "0");
            var result = await E2e.AssertSippSucceeded(sipp, output, TimeSpan.FromSeconds(15)); // the scenario ends on the BYE
            Assert.Equal(1, E2e.ReceivedRequests(result, "BYE"));
            Assert.Contains("hung up by token sha256:", gateway.Tail(20000));
        }
        finally
        {
            stop.Cancel();
            var ended = await sipp;
            output.WriteLine($"--- sipp logs in {ended.WorkDirectory} ---");
        }
    }

    /// <summary>Evaluates <paramref name="expression"/> in the page every 100 ms until <paramref name="done"/> holds (10 s at most).</summary>
    private static async Task<string?> WaitForAsync(ChromiumDriver browser, int page, string expression, Func<string?, bool> done)
    {
        var deadline = DateTime.UtcNow + E2e.Step;
        string? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = (await browser.EvalAsync(page, $"(() => {{ try {{ const v = {expression}; return v == null ? null : String(v); }} catch (e) {{ return 'error: ' + e.message; }} }})()"))?.ToString();
            if (done(last)) return last;
            await Task.Delay(100);
        }
        throw new TimeoutException($"ops page: '{expression}' still '{last}' after {E2e.Step}");
    }
}
