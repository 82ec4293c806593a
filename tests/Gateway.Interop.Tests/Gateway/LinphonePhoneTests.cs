using System.Text.Json.Nodes;
using Gateway.Interop.Tests.Sip;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>
/// Issue #15 with linphone-cli (Debian's linphonec) as the phone: it registers alice with Digest over UDP and over TCP
/// (RFC 3261 §10, §22; the binding on GET /api/v1/registrations and gateway_registrations), and the web user bob (the
/// Chromium dialer) calls "alice": linphonec auto-answers, audio flows both ways (the page's RTP stats, linphonec's
/// recorded audio, the CDR's packet counts); and linphonec calls bob, the page accepts, audio both ways.
/// </summary>
[Trait("Category", "E2E")]
[Collection(E2eCollection.Name)]
public sealed class LinphonePhoneTests(ITestOutputHelper output)
{
    [SkippableTheory(Timeout = 60_000)]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task Linphone_registers_alice_with_digest(string transport)
    {
        if (!Linphone.IsAvailable(output)) return;
        await using var gateway = await RegistrarTests.StartGatewayAsync(output);
        await using var linphone = await StartLinphoneAsync(gateway, transport);
        try
        {
            await RegistrarTests.WaitRegistrationsAsync(gateway, 1, TimeSpan.FromSeconds(10));
            var bindings = JsonNode.Parse(await gateway.Http.GetStringAsync("/api/v1/registrations"))!.AsArray();
            output.WriteLine($"registrations: {bindings.ToJsonString()}");
            var binding = Assert.Single(bindings)!;
            Assert.Contains("alice", (string?)binding["aor"], StringComparison.Ordinal);
            Assert.Contains(transport, ((string?)binding["source"] ?? "") + (string?)binding["contact"], StringComparison.OrdinalIgnoreCase);
        }
        catch
        {
            output.WriteLine($"--- linphonec ({linphone.Folder}) ---\n{linphone.Log}");
            throw;
        }
    }

    [SkippableTheory(Timeout = 120_000)]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task Web_user_calls_alice_on_linphone_audio_both_ways(string transport)
    {
        if (!Linphone.IsAvailable(output) || !E2e.PeersAvailable(output, sipp: false)) return;
        await using var gateway = await RegistrarTests.StartGatewayAsync(output);
        await using var linphone = await StartLinphoneAsync(gateway, transport);
        try
        {
            await RegistrarTests.WaitRegistrationsAsync(gateway, 1, TimeSpan.FromSeconds(10));
            await using var browser = await ChromiumDriver.StartAsync(output);
            var page = await E2e.OpenDialerAsync(browser, gateway, "bob");
            var from = await E2e.DialAsync(browser, page, "alice");
            var (_, answer) = await browser.WaitEventAsync(page, TimeSpan.FromSeconds(20), from, "answer", "hangup");
            Assert.True((string?)answer["type"] == "answer", $"linphonec did not answer: {answer.ToJsonString()}");
            await E2e.AssertMediaFlowsAsync(browser, page, output);

            // What linphonec decoded from the gateway (the browser's fake microphone) is audio, not silence.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (linphone.ReceivedPeak() < 1000 && DateTime.UtcNow < deadline) await Task.Delay(200);
            output.WriteLine($"linphonec recorded peak {linphone.ReceivedPeak()} in {linphone.ReceivedWav}");
            Assert.True(linphone.ReceivedPeak() >= 1000, "linphonec's received audio is silent");

            var mark = (await browser.EventsAsync(page)).Count;
            await browser.ClickAsync(page, "#hangup");
            var (_, hangup) = await browser.WaitEventAsync(page, E2e.Step, mark, "hangup");
            var cdr = await E2e.WaitForCdrAsync(gateway, (string)hangup["id"]!);
            output.WriteLine($"CDR: {cdr.ToJsonString()}");
            // The CDR counts both directions: linphonec's 440 Hz tone toward the web, the browser's audio toward the phone.
            Assert.True((long?)cdr["packetsToSip"] > 25 && (long?)cdr["packetsToWeb"] > 25, $"CDR packet counts: {cdr.ToJsonString()}");
        }
        catch
        {
            output.WriteLine($"--- linphonec ({linphone.Folder}) ---\n{linphone.Log}");
            throw;
        }
    }

    /// <summary>
    /// The other way: linphonec (alice) calls the web user bob; the INVITE is challenged and linphonec answers the
    /// challenge with alice's password (RFC 3261 §22.2); the page accepts; audio both ways; linphonec's BYE ends the call.
    /// </summary>
    [SkippableTheory(Timeout = 120_000)]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task Linphone_calls_the_web_user_bob_audio_both_ways(string transport)
    {
        if (!Linphone.IsAvailable(output) || !E2e.PeersAvailable(output, sipp: false)) return;
        await using var gateway = await RegistrarTests.StartGatewayAsync(output);
        await using var linphone = await StartLinphoneAsync(gateway, transport);
        try
        {
            await RegistrarTests.WaitRegistrationsAsync(gateway, 1, TimeSpan.FromSeconds(10));
            await using var browser = await ChromiumDriver.StartAsync(output);
            var page = await E2e.OpenDialerAsync(browser, gateway, "bob");
            await linphone.SendAsync("call sip:bob@127.0.0.1");
            var (incomingAt, incoming) = await browser.WaitEventAsync(page, TimeSpan.FromSeconds(20), 0, "incoming");
            Assert.Contains("alice", (string?)incoming["from"] ?? "", StringComparison.Ordinal);
            await browser.ClickAsync(page, "#accept");
            await browser.WaitStateAsync(page, E2e.Step, "active");
            await E2e.AssertMediaFlowsAsync(browser, page, output);

            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (linphone.ReceivedPeak() < 1000 && DateTime.UtcNow < deadline) await Task.Delay(200);
            output.WriteLine($"linphonec recorded peak {linphone.ReceivedPeak()} in {linphone.ReceivedWav}");
            Assert.True(linphone.ReceivedPeak() >= 1000, "linphonec's received audio is silent");

            await linphone.SendAsync("terminate");
            var (_, hangup) = await browser.WaitEventAsync(page, TimeSpan.FromSeconds(15), incomingAt, "hangup");
            var cdr = await E2e.WaitForCdrAsync(gateway, (string)hangup["id"]!);
            output.WriteLine($"CDR: {cdr.ToJsonString()}");
            Assert.True((long?)cdr["packetsToSip"] > 25 && (long?)cdr["packetsToWeb"] > 25, $"CDR packet counts: {cdr.ToJsonString()}");
        }
        catch
        {
            output.WriteLine($"--- linphonec ({linphone.Folder}) ---\n{linphone.Log}");
            throw;
        }
    }

    private static Task<Linphone> StartLinphoneAsync(GatewayProcess gateway, string transport) =>
        Linphone.StartAsync(Directory.CreateTempSubdirectory("linphone-").FullName, Sipp.FreePort(), Sipp.FreePort(), transport,
            "alice", RegistrarTests.AlicePassword, gateway.SipPort);
}
