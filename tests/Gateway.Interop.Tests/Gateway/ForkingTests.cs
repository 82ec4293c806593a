using System.Text.Json.Nodes;
using Gateway.Interop.Tests.Sip;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>
/// Issue #15: forking (RFC 3261 §16.7 behaviour, the gateway as the user's forking point). alice is registered three
/// ways at once: the dialer page over the signaling protocol (<c>?user=alice</c>), JsSIP 3.13 over <c>/sip</c> (RFC 7118,
/// Digest) and baresip over UDP (Digest, <c>answermode=manual</c>, so it only rings). A trunk (sipp, media an
/// <see cref="RtpTone"/>) calls alice: all three ring; one answers; the others stop ringing with a CANCEL
/// carrying <c>Reason: SIP ;cause=200 ;text="Call completed elsewhere"</c> (RFC 3326) or, for a protocol session, a
/// <c>hangup</c> "answered elsewhere"; the winner and the trunk hear each other's tone; the trunk's BYE ends the call.
/// Run twice: the dialer page answers, then JsSIP answers.
/// </summary>
[Trait("Category", "E2E")]
[Collection(E2eCollection.Name)]
public sealed class ForkingTests(ITestOutputHelper output)
{
    private const string AlicePassword = "alice-Secret-42";
    private const double DialerHz = 700;
    private static readonly TimeSpan Ring = TimeSpan.FromSeconds(15);

    /// <summary>Which of alice's three devices answers the forked call.</summary>
    private enum Winner { Dialer, JsSip }

    [SkippableFact(Timeout = 150_000)]
    public Task Trunk_call_to_alice_rings_dialer_jssip_and_baresip_the_dialer_wins_the_others_get_cancel() => ForkAsync(Winner.Dialer);

    /// <summary>The same fork, JsSIP's 200 (over the WebSocket binding) wins: the dialer gets "answered elsewhere", baresip a CANCEL.</summary>
    [SkippableFact(Timeout = 150_000)]
    public Task Trunk_call_to_alice_rings_dialer_jssip_and_baresip_jssip_wins_the_others_stop_ringing() => ForkAsync(Winner.JsSip);

    private async Task ForkAsync(Winner winner)
    {
        if (!E2e.PeersAvailable(output) || !Baresip.IsAvailable(output)) return;
        await using var gateway = await GatewayProcess.StartAsync(output, "websip-test.yaml", new Dictionary<string, string> { ["TRUNK_PORT"] = "9" },
            environment: new Dictionary<string, string> { ["ALICE_PASSWORD"] = AlicePassword, ["BOB_PASSWORD"] = "bob-Secret-42" });
        var folder = Directory.CreateTempSubdirectory("baresip-fork-").FullName;
        var rtpMin = 40000 + Random.Shared.Next(0, 200) * 10;
        await using var baresip = await Baresip.StartAsync(folder, Sipp.FreePort(), rtpMin, certificatePem: null,
            account: $"<sip:alice@127.0.0.1:{gateway.SipPort};transport=udp>;auth_pass={AlicePassword};regint=600;answermode=manual;audio_codecs=PCMU");
        await using var browser = await ChromiumDriver.StartAsync(output);
        using var trunkMedia = new RtpTone();
        using var stop = new CancellationTokenSource();
        Task<Sipp.Result>? trunk = null;
        try
        {
            // JsSIP registered as alice on a page of the gateway's origin (the library and js/websip-page.js loaded).
            var jssip = await browser.OpenAsync(new Uri(gateway.BaseUri, "/healthz"));
            Assert.NotNull((await browser.SendAsync("library", new { page = jssip, name = "jssip" }, TimeSpan.FromSeconds(20)))["version"]);
            await browser.EvalAsync(jssip, $"websip.tone({DialerHz})");
            Assert.Equal(200, (await browser.SendAsync("eval", new { page = jssip, expr =
                $"websip.jssip.start(window.location.origin.replace(/^http/, 'ws') + '/sip', 'sip:alice@gateway.local', '{AlicePassword}')" },
                TimeSpan.FromSeconds(30)))["value"]!.GetValue<int>());
            await RegistrarTests.WaitRegistrationsAsync(gateway, 2, TimeSpan.FromSeconds(10)); // JsSIP's and baresip's bindings
            var dialer = await E2e.OpenDialerAsync(browser, gateway, "alice");
            await browser.EvalAsync(dialer, ConferenceTests.MicrophoneScript(DialerHz));

            trunk = Sipp.RunAsync($"127.0.0.1:{gateway.SipPort} -sf {TestPaths.Scenario("uac-inbound.xml")} -s alice -key rtpport {trunkMedia.Port} " +
                                  $"-i 127.0.0.1 -p {Sipp.FreePort()} -t u1 -m 1 -d 5000 -timeout 40s -timeout_error", TimeSpan.FromSeconds(50), stop.Token);

            // All three ring.
            var (_, incoming) = await browser.WaitEventAsync(dialer, Ring, 0, "incoming");
            output.WriteLine($"dialer rings: {incoming.ToJsonString()}");
            var jssipRing = (await browser.SendAsync("eval", new { page = jssip, expr = JsSipRingScript }, TimeSpan.FromSeconds(30)))["value"]!.AsObject();
            output.WriteLine($"JsSIP rings: {jssipRing.ToJsonString()}");
            Assert.Contains("441632960000", (string?)jssipRing["from"] ?? "");
            var baresipInvite = await WaitBaresipRequestAsync(baresip, "INVITE");
            Assert.Contains("441632960000", baresipInvite);

            int answered;
            if (winner == Winner.Dialer)
            {
                // The dialer answers: the others are cancelled as completed elsewhere (RFC 3326 Reason cause 200).
                await browser.ClickAsync(dialer, "#accept");
                await browser.WaitStateAsync(dialer, E2e.Step, "active");
                var jssipEnd = (await browser.SendAsync("eval", new { page = jssip, expr = "window.forkEnd" }, TimeSpan.FromSeconds(30)))["value"]!.AsObject();
                output.WriteLine($"JsSIP stopped ringing: {jssipEnd.ToJsonString()}");
                Assert.Equal("remote", (string?)jssipEnd["originator"]);
                Assert.Equal("Canceled", (string?)jssipEnd["cause"]);
                Assert.Contains("cause=200", (string?)jssipEnd["reason"] ?? "");
                Assert.Contains("Call completed elsewhere", (string?)jssipEnd["reason"] ?? "");
                answered = dialer;
            }
            else
            {
                // JsSIP answers (its 200 over /sip): the dialer's offer is withdrawn as answered elsewhere.
                var timing = (await browser.SendAsync("eval", new { page = jssip, expr = "websip.jssip.answerNext()" }, TimeSpan.FromSeconds(30)))["value"]!.AsObject();
                output.WriteLine($"JsSIP answered: {timing.ToJsonString()}");
                var (_, hangup) = await browser.WaitEventAsync(dialer, E2e.Step, 0, "hangup");
                output.WriteLine($"dialer stopped ringing: {hangup.ToJsonString()}");
                Assert.Equal((string?)incoming["id"], (string?)hangup["id"]);
                Assert.Equal("answered elsewhere", (string?)hangup["reason"]);
                await browser.WaitStateAsync(dialer, E2e.Step, "ended", "idle");
                answered = jssip;
            }
            var baresipCancel = await WaitBaresipRequestAsync(baresip, "CANCEL");
            Assert.Contains("Call completed elsewhere", baresipCancel);
            Assert.DoesNotContain(baresip.SipMessages(), m => m.StartsWith("SIP/2.0 200", StringComparison.Ordinal) && m.Contains(" INVITE\n", StringComparison.Ordinal)); // no 200 to the INVITE: it only rang

            // Media between the device that answered and the trunk, both ways, as audio.
            await E2e.AssertMediaFlowsAsync(browser, answered, output);
            var heard = await OpusTranscodingTests.HearAsync(browser, answered, RtpTone.ToneHz);
            output.WriteLine($"{winner} heard: {heard.ToJsonString()}; trunk: {trunkMedia.Summary()}");
            Assert.InRange(heard["peakHz"]!.GetValue<double>(), RtpTone.ToneHz - 20, RtpTone.ToneHz + 20);
            Assert.True(trunkMedia.PeakReceived >= 4000, $"{winner}'s tone at the trunk: " + trunkMedia.Summary());

            // The trunk hangs up after its pause: the answered call ends, sipp's scenario completes.
            await E2e.AssertSippSucceeded(trunk, output, TimeSpan.FromSeconds(30));
            if (winner == Winner.Dialer) await browser.WaitStateAsync(dialer, E2e.Step, "ended", "idle");
            else Assert.Equal("remote", (string?)(await browser.SendAsync("eval", new { page = jssip, expr = "websip.jssip.ended()" }, TimeSpan.FromSeconds(30)))["value"]!["originator"]);
        }
        catch
        {
            output.WriteLine($"--- baresip ({folder}) ---\n{baresip.Log}");
            throw;
        }
        finally
        {
            stop.Cancel();
            if (trunk is not null) await trunk.ContinueWith(_ => { });
        }
    }

    /// <summary>
    /// Waits (up to 15 s) for JsSIP's incoming session; sets <c>window.forkEnd</c> to a promise of how it ended (the
    /// CANCEL's Reason header included); returns the caller's user part.
    /// </summary>
    private const string JsSipRingScript = """
        (async () => {
          const until = performance.now() + 15000;
          while (!websip.jssip.incoming) {
            if (performance.now() > until) throw new Error('no incoming JsSIP session within 15 s');
            await new Promise(r => setTimeout(r, 20));
          }
          const s = websip.jssip.incoming;
          const end = new Promise(resolve => {
            s.on('failed', e => resolve({ originator: e.originator, cause: e.cause, reason: e.message && e.message.getHeader ? (e.message.getHeader('Reason') ?? null) : null }));
            s.on('ended', e => resolve({ originator: e.originator, cause: e.cause, ended: true }));
          });
          window.forkEnd = Promise.race([end, new Promise((_, reject) => setTimeout(() => reject(new Error('JsSIP kept ringing')), 15000))]);
          window.forkEnd.catch(() => {});
          return { from: s.remote_identity.uri.user };
        })()
        """;

    /// <summary>The first <paramref name="method"/> request baresip received (its -s trace), polled up to 15 s.</summary>
    private async Task<string> WaitBaresipRequestAsync(Baresip baresip, string method)
    {
        var deadline = DateTime.UtcNow + Ring;
        while (DateTime.UtcNow < deadline)
        {
            var request = baresip.SipMessages().FirstOrDefault(m => m.StartsWith(method + " sip:", StringComparison.Ordinal));
            if (request is not null)
            {
                output.WriteLine($"baresip got {method}:\n{request}");
                return request;
            }
            await Task.Delay(100);
        }
        Assert.Fail($"baresip received no {method} within {Ring.TotalSeconds} s");
        return "";
    }
}
