using System.Net;
using Gateway.Media.Bridge;

namespace Gateway.Interop.Tests.Media;

/// <summary>
/// <see cref="WebRtcAnswer"/> on an offer as Firefox 153 ESR writes it (no browser needed): session-level fingerprint,
/// ufrag/pwd after the candidates, trickle, component-2 candidates, opus/G722/PCMU/PCMA/telephone-event.
/// </summary>
public sealed class FirefoxOfferTests
{
    private const string Offer = """
v=0
o=mozilla...THIS_IS_SDPARTA-99.0 407505000508404338 0 IN IP4 0.0.0.0
s=-
t=0 0
a=sendrecv
a=fingerprint:sha-256 53:AA:9B:A0:99:57:21:01:84:64:4F:46:0E:7B:B1:B6:62:E3:1A:61:A5:BD:54:1F:A4:16:92:1D:72:A8:B3:E6
a=group:BUNDLE 0
a=ice-options:trickle
a=msid-semantic:WMS *
m=audio 60841 UDP/TLS/RTP/SAVPF 109 9 0 8 101
c=IN IP4 127.0.0.1
a=candidate:0 1 UDP 2122055935 127.0.0.1 60841 typ host
a=candidate:0 2 UDP 2122055934 127.0.0.1 41638 typ host
a=sendrecv
a=end-of-candidates
a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid
a=extmap-allow-mixed
a=fmtp:109 maxplaybackrate=48000;stereo=1;useinbandfec=1
a=fmtp:101 0-15
a=ice-pwd:042587c475301017cd2f09114282f4f0
a=ice-ufrag:1d0b7db3
a=mid:0
a=msid:{3fc0a491-4a59-441e-bc10-b032bdc32214} {25cda2d9-cf7b-4bdb-8af3-d5991d4aaff5}
a=rtcp:41638 IN IP4 127.0.0.1
a=rtcp-fb:0 transport-cc
a=rtcp-mux
a=rtpmap:109 opus/48000/2
a=rtpmap:9 G722/8000/1
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=setup:actpass
a=ssrc:969585853 cname:{c3ba7ef1-2555-4a5f-90fd-efe599471456}

""";

    private static string Crlf(string sdp) => sdp.ReplaceLineEndings("\r\n");

    [SkippableFact]
    public void Parse_ReadsSessionLevelFingerprint_AndMediaLevelIce()
    {
        var offer = WebRtcAnswer.Parse(Crlf(Offer));
        Assert.Equal("1d0b7db3", offer.Ice.Ufrag);
        Assert.Equal("042587c475301017cd2f09114282f4f0", offer.Ice.Password);
        Assert.Equal("sha-256", offer.FingerprintAlgorithm);
        Assert.StartsWith("53:AA:9B", offer.Fingerprint, StringComparison.Ordinal);
        Assert.Equal("0", offer.Mid);
        Assert.Equal(0, offer.PcmuPayloadType);
        Assert.True(offer.Bundled);
    }

    [SkippableFact]
    public async Task Build_AnswersPassive_PcmuOnly_WithTheOfferedMid()
    {
        await using var engine = new MediaEngine(new MediaEngineOptions { BindAddress = IPAddress.Loopback, PortMin = 0, PortMax = 0 });
        await using var session = engine.CreateSession();
        var answer = WebRtcAnswer.Build(WebRtcAnswer.Parse(Crlf(Offer)), session);
        Assert.Contains("a=group:BUNDLE 0\r\n", answer, StringComparison.Ordinal);
        Assert.Contains($"m=audio {session.WebEndPoint.Port} UDP/TLS/RTP/SAVPF 0\r\n", answer, StringComparison.Ordinal);
        Assert.Contains("a=setup:passive\r\n", answer, StringComparison.Ordinal);
        Assert.Contains("a=ice-lite\r\n", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("a=rtpmap:109", answer, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("a=rtpmap:0 PCMU/8000", "a=rtpmap:0 G729/8000", "PCMU")]
    [InlineData("a=setup:actpass", "a=setup:passive", "setup")]
    [InlineData("a=ice-ufrag:1d0b7db3", "", "ice-ufrag")]
    public void Parse_RejectsOffersTheGatewayCannotAnswer(string line, string replacement, string reason)
    {
        var error = Assert.Throws<FormatException>(() => WebRtcAnswer.Parse(Crlf(Offer.Replace(line, replacement, StringComparison.Ordinal))));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
