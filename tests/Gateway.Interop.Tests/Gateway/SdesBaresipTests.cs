using System.Buffers.Binary;
using System.Text.RegularExpressions;
using Gateway.Interop.Tests.Sip;
using Gateway.Tests.Shared;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>
/// Issue #14 item 3 (SDES-SRTP toward trunks, RFC 4568) against baresip over UDP, both directions, trunk <c>sdes</c> of
/// <c>sdes-test.yaml</c> with <c>srtp</c> off, optional or required. Chromium's microphone is a 1 kHz sine and baresip's a
/// 440 Hz tone: each end must decode the other's tone (the browser by Web Audio FFT; baresip's decoded audio, dumped by
/// its sndfile module, by Goertzel).
/// On the wire (tshark on loopback, baresip's RTP ports) every RTP datagram is SRTP (20 ms of PCMU plus the 80- or 32-bit
/// tag) and none is plain RTP, or, on the fallback, every one is plain RTP. The SDP both ways is read from baresip's SIP
/// trace, and none of the inline keys in it appears in the gateway's log (run at Debug).
/// </summary>
[Trait("Category", "E2E")]
[Collection(E2eCollection.Name)]
public sealed partial class SdesBaresipTests(ITestOutputHelper output)
{
    private const int PlainRtp = 12 + 160, SrtpTag80 = 10, SrtpTag32 = 4;
    private const double BrowserHz = 1000, BaresipHz = 440;

    private static bool ToolsAvailable(ITestOutputHelper output)
    {
        if (!File.Exists("/usr/bin/tshark")) throw MissingPeer.Skip(output, "tshark (apt-get install tshark)");
        return E2e.PeersAvailable(output, sipp: false) && Baresip.IsAvailable(output);
    }

    /// <summary>
    /// a, b: the browser calls 1000 on trunk <c>sdes</c> (<paramref name="trunkSrtp"/>), baresip answers with its account's
    /// <paramref name="mediaenc"/> (srtp-mand: RTP/SAVP only; srtp: best effort; none: plain RTP).
    /// </summary>
    [SkippableTheory(Timeout = 120_000)]
    [InlineData("required", "srtp-mand", true)]
    [InlineData("optional", "srtp", true)]
    [InlineData("optional", "none", false)]
    public async Task WebCallToBaresip_NegotiatesSdes_AndTheTonesCrossBothWays(string trunkSrtp, string mediaenc, bool srtp)
    {
        if (!ToolsAvailable(output)) return;
        var folder = Directory.CreateTempSubdirectory("sdes-out-").FullName;
        var rtpMin = RtpRange();
        await using var baresip = await Baresip.StartAsync(folder, Sipp.FreePort(), rtpMin, null, mediaenc == "none" ? null : mediaenc);
        await using var gateway = await StartGatewayAsync(baresip.SipPort, trunkSrtp);
        await using var browser = await ChromiumDriver.StartAsync(output);
        using var capture = await TlsSrtpTrunkTests.Capture.StartAsync(folder, rtpMin, rtpMin + 9);
        try
        {
            var page = await E2e.OpenDialerAsync(browser, gateway, "bob");
            await browser.EvalAsync(page, ConferenceTests.MicrophoneScript(BrowserHz));
            var from = await E2e.DialAsync(browser, page, "1000");
            var (_, answer) = await browser.WaitEventAsync(page, TimeSpan.FromSeconds(20), from, "answer", "hangup", "error");
            Assert.True((string?)answer["type"] == "answer", $"expected answer, got {answer.ToJsonString()}");
            await AssertTonesCrossAsync(browser, page, baresip, gateway, capture, rtpMin, srtp);

            // The gateway's offer, baresip's answer (RFC 4568 §7.1): required is RTP/SAVP, optional RTP/AVP (best effort),
            // both with the two suites; the answer takes one of them, or none on the fallback.
            var (offer, reply) = InviteAndAnswer(baresip);
            Assert.Equal(trunkSrtp == "required" ? "RTP/SAVP" : "RTP/AVP", Proto(offer));
            Assert.Equal(["1 AES_CM_128_HMAC_SHA1_80", "2 AES_CM_128_HMAC_SHA1_32"], Crypto(offer).Select(c => c.TagAndSuite));
            Assert.Equal(Proto(offer), Proto(reply));
            if (srtp) Assert.Contains(Assert.Single(Crypto(reply)).TagAndSuite, Crypto(offer).Select(c => c.TagAndSuite));
            else Assert.Empty(Crypto(reply));
            AssertKeysNotLogged(baresip, gateway, srtp ? 3 : 2);
        }
        catch
        {
            output.WriteLine($"--- baresip ({folder}) ---\n{baresip.Log}");
            throw;
        }
    }

    /// <summary>
    /// a: <c>srtp: required</c> toward baresip without mediaenc: the offer stays RTP/SAVP (no fallback), baresip refuses
    /// it 488 and the browser hears that 488; the gateway sends no media to baresip at all (so never plain RTP). (An answer
    /// without a=crypto, which baresip does not send, is refused by the gateway: SdesTranslationTests.BadAnswers_AreRefusedWith488.)
    /// </summary>
    [SkippableFact(Timeout = 90_000)]
    public async Task WebCallToBaresipWithoutSrtp_OnATrunkRequiringIt_Fails488_AndNoMediaGoesToIt()
    {
        if (!ToolsAvailable(output)) return;
        var folder = Directory.CreateTempSubdirectory("sdes-refused-").FullName;
        var rtpMin = RtpRange();
        await using var baresip = await Baresip.StartAsync(folder, Sipp.FreePort(), rtpMin, null, null);
        await using var gateway = await StartGatewayAsync(baresip.SipPort, "required");
        await using var browser = await ChromiumDriver.StartAsync(output);
        using var capture = await TlsSrtpTrunkTests.Capture.StartAsync(folder, rtpMin, rtpMin + 9);
        try
        {
            var page = await E2e.OpenDialerAsync(browser, gateway, "bob");
            var from = await E2e.DialAsync(browser, page, "1000");
            var (_, ended) = await browser.WaitEventAsync(page, TimeSpan.FromSeconds(20), from, "answer", "hangup", "error");
            output.WriteLine($"the browser got {ended.ToJsonString()}; baresip's SIP: " + string.Join(" | ", baresip.SipMessages().Select(m => m.Split('\n')[0])));
            Assert.Equal("hangup", (string?)ended["type"]);
            Assert.Equal(488, E2e.Code(ended));
            var offer = baresip.SipMessages().First(m => m.StartsWith("INVITE ", StringComparison.Ordinal));
            Assert.Equal("RTP/SAVP", Proto(offer));
            var datagrams = capture.Stop();
            output.WriteLine($"on the wire: {datagrams.Count(d => d.Destination >= rtpMin && d.Destination <= rtpMin + 9)} datagrams to baresip's media ports");
            Assert.DoesNotContain(datagrams, d => d.Destination >= rtpMin && d.Destination <= rtpMin + 9);
            AssertKeysNotLogged(baresip, gateway, 2);
        }
        catch
        {
            output.WriteLine($"--- baresip ({folder}) ---\n{baresip.Log}");
            throw;
        }
    }

    /// <summary>c: baresip (srtp-mand: RTP/SAVP with one a=crypto) calls the web user alice; trunk <c>sdes</c> allows SRTP.</summary>
    [SkippableTheory(Timeout = 120_000)]
    [InlineData("required")]
    [InlineData("optional")]
    public async Task BaresipCallsAWebUser_ItsSavpOfferIsAccepted_AndTheTonesCrossBothWays(string trunkSrtp)
    {
        if (!ToolsAvailable(output)) return;
        var folder = Directory.CreateTempSubdirectory("sdes-in-").FullName;
        var rtpMin = RtpRange();
        var sipPort = Sipp.FreePort();
        await using var gateway = await StartGatewayAsync(sipPort, trunkSrtp);
        await using var browser = await ChromiumDriver.StartAsync(output);
        var page = await E2e.OpenDialerAsync(browser, gateway, "alice");
        await browser.EvalAsync(page, ConferenceTests.MicrophoneScript(BrowserHz));
        using var capture = await TlsSrtpTrunkTests.Capture.StartAsync(folder, rtpMin, rtpMin + 9);
        await using var baresip = await Baresip.StartAsync(folder, sipPort, rtpMin, null, "srtp-mand", dial: $"sip:alice@127.0.0.1:{gateway.SipPort}");
        try
        {
            var (incomingAt, incoming) = await browser.WaitEventAsync(page, TimeSpan.FromSeconds(15), 0, "incoming");
            Assert.Contains("1000", (string?)incoming["from"] ?? "");
            await browser.WaitStateAsync(page, E2e.Step, "incoming");
            await browser.ClickAsync(page, "#accept");
            await browser.WaitStateAsync(page, E2e.Step, "active");
            await AssertTonesCrossAsync(browser, page, baresip, gateway, capture, rtpMin, srtp: true);

            // baresip's offer and the gateway's answer: RTP/SAVP both, the answer under the offer's tag and suite with
            // a key of the gateway's own (RFC 4568 §7.1.2).
            var (offer, reply) = InviteAndAnswer(baresip);
            Assert.Equal("RTP/SAVP", Proto(offer));
            Assert.Equal("RTP/SAVP", Proto(reply));
            var offered = Assert.Single(Crypto(offer));
            var answered = Assert.Single(Crypto(reply));
            Assert.Equal(offered.TagAndSuite, answered.TagAndSuite);
            Assert.NotEqual(offered.Key, answered.Key);
            AssertKeysNotLogged(baresip, gateway, 2);
        }
        catch
        {
            output.WriteLine($"--- baresip ({folder}) ---\n{baresip.Log}");
            throw;
        }
    }

    /// <summary>c: with <c>srtp: off</c> an RTP/SAVP-only offer is refused 488 (dialplan/README.md "TLS and SRTP"); alice never rings.</summary>
    [SkippableFact(Timeout = 60_000)]
    public async Task BaresipSavpOnlyOffer_ToATrunkWithSrtpOff_IsRefused488()
    {
        if (!Baresip.IsAvailable(output)) return;
        var folder = Directory.CreateTempSubdirectory("sdes-off-").FullName;
        var sipPort = Sipp.FreePort();
        await using var gateway = await StartGatewayAsync(sipPort, "off");
        await using var client = await SignalingClient.ConnectAsync(gateway.WebSocketUri);
        await client.WaitForAsync(E2e.Step, null, "welcome");
        await client.SendAsync(new { type = "register", user = "alice" });
        await client.WaitForAsync(E2e.Step, null, "registered");
        await using var baresip = await Baresip.StartAsync(folder, sipPort, RtpRange(), null, "srtp-mand", dial: $"sip:alice@127.0.0.1:{gateway.SipPort}");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        string? final = null;
        while (final is null)
        {
            final = baresip.SipMessages().FirstOrDefault(m => FinalResponse().IsMatch(m) && m.Contains(" INVITE\n", StringComparison.Ordinal));
            Assert.True(final is not null || DateTime.UtcNow < deadline, $"no final response to baresip's INVITE:\n{baresip.Log}");
            if (final is null) await Task.Delay(100);
        }
        output.WriteLine(final);
        Assert.StartsWith("SIP/2.0 488", final, StringComparison.Ordinal);
        Assert.DoesNotContain(client.Transcript, m => m.Contains("\"incoming\"", StringComparison.Ordinal));
        AssertKeysNotLogged(baresip, gateway, 1);
    }

    private static int RtpRange() => 40000 + Random.Shared.Next(0, 200) * 10;

    private Task<GatewayProcess> StartGatewayAsync(int trunkPort, string srtp) => GatewayProcess.StartAsync(output, "sdes-test.yaml",
        new Dictionary<string, string> { ["TRUNK_PORT"] = $"{trunkPort}", ["SRTP"] = srtp },
        new Dictionary<string, string> { ["Logging:LogLevel:Default"] = "Debug" });

    /// <summary>
    /// With the call up: the browser hears baresip's 440 Hz, the browser hangs up, baresip's decoded audio holds the
    /// browser's 1 kHz, and every RTP datagram to and from baresip is SRTP (<paramref name="srtp"/>) or plain RTP.
    /// </summary>
    private async Task AssertTonesCrossAsync(ChromiumDriver browser, int page, Baresip baresip, GatewayProcess gateway,
        TlsSrtpTrunkTests.Capture capture, int rtpMin, bool srtp)
    {
        await E2e.AssertMediaFlowsAsync(browser, page, output);
        var heard = await OpusTranscodingTests.HearAsync(browser, page, BaresipHz);
        output.WriteLine($"the browser hears {heard.ToJsonString()}");
        Assert.InRange(heard["peakHz"]!.GetValue<double>(), BaresipHz - 20, BaresipHz + 20);

        var mark = (await browser.EventsAsync(page)).Count;
        await browser.ClickAsync(page, "#hangup");
        var (_, hangup) = await browser.WaitEventAsync(page, E2e.Step, mark, "hangup");
        var cdr = await E2e.WaitForCdrAsync(gateway, (string)hangup["id"]!);
        output.WriteLine($"CDR: {cdr.ToJsonString()}");
        Assert.True((long?)cdr["packetsToSip"] > 20 && (long?)cdr["packetsToWeb"] > 20, $"CDR packet counts: {cdr.ToJsonString()}");

        var decoded = await DecodedAsync(baresip);
        var at1k = RecordingTests.Goertzel(decoded, BrowserHz);
        output.WriteLine($"baresip decoded {decoded.Length} samples: 1 kHz {at1k:E2}, 700 Hz {RecordingTests.Goertzel(decoded, 700):E2}, 1300 Hz {RecordingTests.Goertzel(decoded, 1300):E2}");
        Assert.True(at1k > 20 * RecordingTests.Goertzel(decoded, 700) && at1k > 20 * RecordingTests.Goertzel(decoded, 1300),
            "what baresip decoded is not the browser's 1 kHz tone");

        var datagrams = capture.Stop();
        // RTP goes to and from baresip's even RTP port; RTCP (odd port) is SRTCP or RTCP and not counted here.
        bool IsRtp(int port) => port >= rtpMin && port <= rtpMin + 9 && port % 2 == 0;
        var media = datagrams.Where(d => IsRtp(d.Destination) || IsRtp(d.Source)).ToList();
        output.WriteLine($"on the wire: {media.Count(d => IsRtp(d.Destination))} datagrams to baresip's RTP port, {media.Count(d => IsRtp(d.Source))} from it; lengths " +
            string.Join(",", media.Select(d => d.Length).Distinct()));
        Assert.True(media.Count(d => IsRtp(d.Destination)) > 20 && media.Count(d => IsRtp(d.Source)) > 20, "too few media datagrams captured");
        if (srtp)
            Assert.All(media, d => Assert.True(d.Length is PlainRtp + SrtpTag80 or PlainRtp + SrtpTag32, $"a {d.Length}-byte datagram is not 20 ms of SRTP PCMU"));
        else
            Assert.All(media, d => Assert.Equal(PlainRtp, d.Length));
    }

    /// <summary>The samples baresip decoded (8 kHz mono, its sndfile dump), once at least a second of them is in the file.</summary>
    private static async Task<short[]> DecodedAsync(Baresip baresip)
    {
        var deadline = DateTime.UtcNow + E2e.Step;
        while (true)
        {
            var path = baresip.DecodedWav;
            var bytes = path is null ? [] : ReadShared(path);
            if (DataChunk(bytes) is { } data && data.Length >= 8000 * 2)
            {
                Assert.Equal(1, BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(22))); // mono
                Assert.Equal(8000, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(24)));
                var samples = new short[data.Length / 2];
                for (var i = 0; i < samples.Length; i++) samples[i] = BinaryPrimitives.ReadInt16LittleEndian(data.Span[(i * 2)..]);
                return samples;
            }
            Assert.True(DateTime.UtcNow < deadline, $"baresip decoded under a second ({bytes.Length} bytes in {path ?? "no dump file"})");
            await Task.Delay(100);
        }
    }

    /// <summary>The bytes after the WAV "data" chunk header (RIFF chunks after "WAVE"), to the end of what is written so far.</summary>
    private static ReadOnlyMemory<byte>? DataChunk(byte[] wav)
    {
        for (var at = 12; at + 8 <= wav.Length;)
        {
            var size = BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(at + 4));
            if (size < 0) return null;
            if (wav.AsSpan(at, 4).SequenceEqual("data"u8)) return wav.AsMemory(at + 8);
            at += 8 + size + (size & 1);
        }
        return null;
    }

    private static byte[] ReadShared(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        file.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>The first INVITE in baresip's trace and the 200 that answered it.</summary>
    private static (string Offer, string Answer) InviteAndAnswer(Baresip baresip)
    {
        var messages = baresip.SipMessages();
        var invite = messages.FirstOrDefault(m => m.StartsWith("INVITE ", StringComparison.Ordinal));
        var ok = messages.FirstOrDefault(m => m.StartsWith("SIP/2.0 200", StringComparison.Ordinal) && m.Contains(" INVITE\n", StringComparison.Ordinal));
        Assert.True(invite is not null && ok is not null, $"no INVITE and 200 in baresip's trace:\n{baresip.Log}");
        return (invite, ok);
    }

    /// <summary>The transport of the audio m= line (RFC 4566 §5.14).</summary>
    private static string Proto(string message) =>
        message.Split('\n').First(l => l.StartsWith("m=audio ", StringComparison.Ordinal)).Split(' ')[2];

    /// <summary>The a=crypto lines (RFC 4568 §9.1): "tag suite" and the inline key-salt.</summary>
    private static List<(string TagAndSuite, string Key)> Crypto(string message) =>
        [.. message.Split('\n').Select(l => CryptoLine().Match(l)).Where(m => m.Success).Select(m => (m.Groups[1].Value, m.Groups[2].Value))];

    /// <summary>d: none of the inline keys in the SDP both ways (base64 or hex) appears in the gateway's log.</summary>
    private void AssertKeysNotLogged(Baresip baresip, GatewayProcess gateway, int expected)
    {
        var keys = baresip.SipMessages().SelectMany(Crypto).Select(c => c.Key).Distinct().ToList();
        Assert.True(keys.Count >= expected, $"{keys.Count} inline keys in baresip's trace, expected {expected}");
        var log = gateway.Tail(int.MaxValue);
        output.WriteLine($"{keys.Count} inline keys checked against {log.Length} characters of gateway log");
        foreach (var key in keys)
        {
            Assert.DoesNotContain(key, log, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToHexString(Convert.FromBase64String(key)), log, StringComparison.OrdinalIgnoreCase);
        }
    }

    [GeneratedRegex(@"^a=crypto:(\d+ \S+) inline:([A-Za-z0-9+/]+={0,2})")]
    private static partial Regex CryptoLine();

    [GeneratedRegex(@"^SIP/2\.0 [2-6]\d\d ")]
    private static partial Regex FinalResponse();
}
