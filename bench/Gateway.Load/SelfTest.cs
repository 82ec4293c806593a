using System.Diagnostics;
using System.Net;
using System.Text;
using Gateway.Media.Stun;
using Gateway.Sdp;
using Gateway.Sdp.Translation;

namespace Gateway.Load;

/// <summary>
/// `--self-test`: checks the argument parser's limits, that the gateway's own SDP translator accepts the tool's
/// offer, that a gateway-style answer parses, the ICE check round trip and the statistics. No network. Exit 0 or 1.
/// </summary>
public static class SelfTest
{
    private const string Fingerprint = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";

    public static int Run(TextWriter output)
    {
        var failures = 0;
        void Check(bool ok, string what)
        {
            output.WriteLine((ok ? "ok   " : "FAIL ") + what);
            if (!ok) failures++;
        }

        // Arguments: defaults, limits, loopback only.
        string[] Args(params string[] extra) => ["--url", "ws://127.0.0.1:8080/ws", .. extra];
        Check(LoadOptionsParser.TryParse(Args("--calls", "100", "--concurrency", "100", "--rate", "20", "--duration", "60"), out var o, out _)
              && o!.Calls == 100 && o.Rate == 20 && o.Duration == 60 && o.To == "600", "the brief's example parses");
        Check(Refused(Args("--calls", "5001")), "--calls above 5000 refused");
        Check(Refused(Args("--concurrency", "1001")), "--concurrency above 1000 refused");
        Check(Refused(Args("--rate", "101")), "--rate above 100/s refused");
        Check(Refused(Args("--duration", "601")), "--duration above 600 s refused");
        Check(Refused(Args("--deadline", "3601")), "--deadline above 3600 s refused");
        Check(Refused(Args("--calls", "-1")) && Refused(Args("--calls", "ten")) && Refused(Args("--rate", "0")), "negative, non-numeric, zero refused");
        Check(Refused(["--url", "ws://10.0.0.1:8080/ws"]) && Refused(["--url", "ws://example.com/ws"]), "non-loopback URLs refused");
        Check(Refused(["--url", "http://127.0.0.1/ws"]), "non-WebSocket URL refused");
        Check(LoadOptionsParser.TryParse(["--url", "ws://[::1]:9/ws"], out _, out _) && LoadOptionsParser.TryParse(["--url", "wss://localhost:8443/ws"], out _, out _),
            "::1 and localhost accepted");
        Check(Refused([]) && Refused(Args("--bogus", "1")) && Refused(Args("--calls")) && Refused(Args("stray")), "missing --url, unknown option, missing value, stray argument refused");
        Check(LoadOptionsParser.TryParse(["--media-only", "relay"], out o, out _) && o!.MediaOnly == "relay" && Refused(["--media-only", "x"]),
            "--media-only needs no --url, takes echo or relay");
        Check(LoadOptionsParser.TryParse(Args("--socket", "per-call"), out o, out _) && o!.PerCallSockets && Refused(Args("--socket", "x")), "--socket per-call");
        Check(LoadOptionsParser.TryParse(Args("--flood", "5000", "--flood-target", "127.0.0.1:5060"), out o, out _) && o!.FloodRate == 5000 && o.FloodSeconds == o.Duration
              && Refused(Args("--flood", "5000")) && Refused(Args("--flood", "10", "--flood-target", "192.0.2.1:5060")), "--flood needs a loopback target");
        var sa = new IPEndPoint(IPAddress.Loopback, 0x1234).Serialize();
        Check(SharedUdpSocket.PortOf(sa) == 0x1234, "port read from a socket address");
        Check(Refused(Args("--to", "6 0")) && Refused(Args("--label", "a b")), "bad dial string and label refused");
        Check(LoadOptionsParser.TryParse(Args("--calls", "5", "--concurrency", "50"), out o, out _) && o!.Concurrency == 5, "concurrency capped at calls");
        Check(LoadOptionsParser.TryParse(Args("--calls", "2000", "--concurrency", "1000", "--rate", "100", "--duration", "600"), out o, out _)
              && o!.EffectiveDeadline <= TimeSpan.FromSeconds(LoadLimits.MaxDeadline), "derived deadline bounded");

        // SDP: the gateway's translator accepts the offer; a gateway-style answer parses back.
        var local = LocalMedia.Create(40000, "sha-256", Fingerprint);
        var offerText = JsepBuilder.Offer(local);
        var parsed = SessionDescription.TryParse(offerText, out var offer, out var error);
        Check(parsed, "offer parses" + (error is null ? "" : ": " + error));
        Check(parsed && JsepToSipTranslator.TryCreateSipOffer(offer!, new RtpEndpoint("127.0.0.1", 30000), SdpTranslationPolicy.Default, out _, out var browser, out var failure)
              && browser!.IceUfrag == local.IceUfrag && browser.Setup == "actpass", "gateway translator accepts the offer");
        var gatewaySide = new WebRtcEndpoint("127.0.0.1", 31000, "gwuf", "gatewaypassword1234567890", "sha-256", Fingerprint);
        var trunkAnswer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n";
        RemoteMedia? remote = null;
        Check(parsed && SessionDescription.TryParse(trunkAnswer, out var sip, out _) &&
              JsepToSipTranslator.TryCreateSipOffer(offer!, new RtpEndpoint("127.0.0.1", 30000), SdpTranslationPolicy.Default, out _, out browser, out _) &&
              SipToJsepTranslator.TryCreateBrowserAnswer(browser!, sip!, gatewaySide, out var answer, out _) &&
              RemoteMedia.TryParse(answer!.Sdp.ToString(), out remote, out _) &&
              remote!.Endpoint.Equals(new IPEndPoint(IPAddress.Loopback, 31000)) && remote.IceUfrag == "gwuf" && remote.Setup == "passive" &&
              remote.PcmuPayloadType == 0 && remote.TelephoneEventPayloadType == 101 && remote.IceLite,
            "gateway-style answer parses: candidate, ICE, setup, payload types");
        Check(!RemoteMedia.TryParse("v=0\r\n", out _, out _) && !RemoteMedia.TryParse(null, out _, out _), "unusable SDP refused without throwing");
        Check(remote is not null && SessionDescription.TryParse(JsepBuilder.Answer(local, remote with { Setup = "actpass" }), out var ours, out _) &&
              ours!.Media[0].GetAttribute("setup") == "active", "inbound answer is a=setup:active");

        // ICE: the request carries what RFC 8445 §7.2.2 asks; the gateway's signed success response is recognized.
        if (remote is not null)
        {
            var ice = new IceChecks(remote, local);
            var request = new byte[512];
            var n = ice.WriteRequest(request, nominate: true);
            var okRequest = StunMessage.TryParse(request.AsSpan(0, n), out var m, out _) == StunError.None &&
                            m.TryGetAttribute(StunAttributeType.Username, out var user) && Encoding.UTF8.GetString(user) == "gwuf:" + local.IceUfrag &&
                            m.HasAttribute(StunAttributeType.UseCandidate) && m.HasAttribute(StunAttributeType.IceControlling) &&
                            m.HasAttribute(StunAttributeType.Priority) && m.VerifyMessageIntegrity(Encoding.UTF8.GetBytes(remote.IcePwd)) && m.VerifyFingerprint();
            Check(okRequest, "ICE check: USERNAME, PRIORITY, ICE-CONTROLLING, USE-CANDIDATE, MESSAGE-INTEGRITY, FINGERPRINT");
            var response = new byte[512];
            var w = new StunWriter(response, StunMethod.Binding, StunClass.SuccessResponse, request.AsSpan(8, 12));
            w.AddXorMappedAddress(new IPEndPoint(IPAddress.Loopback, 40000));
            w.AddMessageIntegrity(Encoding.UTF8.GetBytes(remote.IcePwd));
            w.AddFingerprint();
            Check(ice.IsNominationSuccess(response.AsSpan(0, w.Length)), "signed success response accepted");
            response[w.Length - 9] ^= 1; // corrupt the integrity tag
            Check(!ice.IsNominationSuccess(response.AsSpan(0, w.Length)), "tampered response refused");
        }

        // Statistics: loss from the sequence span, RFC 3550 A.8 jitter, percentiles.
        var echo = new EchoStats();
        var tick = Stopwatch.Frequency / 1000; // 1 ms
        for (uint seq = 0; seq < 100; seq++)
            if (seq != 50) echo.OnPacket(seq, seq * 20 * tick, seq * 20 * tick + (seq % 2 == 0 ? 2 : 4) * tick);
        Check(echo.Expected == 100 && echo.Received == 99, "one packet lost in 100 counted");
        Check(echo.JitterMs is > 1.5 and < 2.1, $"alternating 2/4 ms transit gives jitter near 2 ms ({echo.JitterMs:0.00})");
        var histogram = new LatencyHistogram();
        for (var i = 1; i <= 1000; i++) histogram.Record(i * 10);
        Check(Math.Abs(histogram.PercentileMs(0.5) - 5.0) <= 0.02 && Math.Abs(histogram.PercentileMs(0.99) - 9.9) <= 0.02, "histogram percentiles");

        output.WriteLine(failures == 0 ? "self-test passed" : $"self-test: {failures} failed");
        return failures == 0 ? 0 : 1;
    }

    private static bool Refused(string[] args) => !LoadOptionsParser.TryParse(args, out _, out var error) && !string.IsNullOrEmpty(error);
}
