using Gateway.Sdp.Translation;

namespace Gateway.Sdp.Tests.Translation;

/// <summary>A phone's offer and a trunk's answer passed across with the gateway's address (media anchored in the gateway).</summary>
public sealed class AnchoredSdpTests
{
    private static readonly RtpEndpoint Gateway = new("192.0.2.10", 20002);

    private const string PhoneOffer =
        "v=0\r\no=phone 123 456 IN IP4 10.0.0.5\r\ns=call\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\n" +
        "m=audio 4000 RTP/AVP 0 8 101\r\na=rtcp:4001\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\na=sendrecv\r\n" +
        "m=video 4002 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n";

    [Fact]
    public void Offer_names_the_gateway_and_keeps_codecs_events_and_direction()
    {
        Assert.True(SessionDescription.TryParse(PhoneOffer, out var offer, out _));
        Assert.True(AnchoredSdp.TryAnchor(offer!, Gateway, out var anchored, out var failure), failure?.ToString());
        var text = anchored!.ToString();
        Assert.Contains("o=phone 123 456 IN IP4 192.0.2.10\r\n", text);
        Assert.Contains("c=IN IP4 192.0.2.10\r\n", text);
        Assert.Contains("m=audio 20002 RTP/AVP 0 8 101\r\n", text);
        Assert.Contains("a=fmtp:101 0-15\r\n", text);
        Assert.Contains("a=sendrecv\r\n", text);
        Assert.Contains("m=video 0 RTP/AVP 96\r\n", text); // only the audio stream is relayed
        Assert.DoesNotContain("10.0.0.5", text);
        Assert.DoesNotContain("a=rtcp:", text);
        Assert.Contains("10.0.0.5", offer!.ToString()); // the input is left as it was
    }

    [Fact]
    public void Media_level_connection_moves_to_the_session_level()
    {
        const string answer = "v=0\r\no=- 1 1 IN IP4 203.0.113.7\r\ns=-\r\nt=0 0\r\nm=audio 30000 RTP/AVP 0\r\nc=IN IP4 203.0.113.7\r\na=rtcp-mux\r\na=rtpmap:0 PCMU/8000\r\n";
        Assert.True(SessionDescription.TryParse(answer, out var sdp, out _));
        Assert.True(AnchoredSdp.TryAnchor(sdp!, Gateway, out var anchored, out _));
        var text = anchored!.ToString();
        Assert.StartsWith("v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 20002 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n", text);
        Assert.True(SessionDescription.TryParse(text, out var reparsed, out _));
        Assert.Equal("192.0.2.10", reparsed!.ConnectionFor(reparsed.Media[0])!.Address);
    }

    [Theory]
    [InlineData("m=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n", "RTP/SAVP")]
    [InlineData("m=audio 0 RTP/AVP 0\r\n", "no audio")]
    [InlineData("m=video 4000 RTP/AVP 96\r\n", "no audio")]
    public void Srtp_or_no_audio_is_488(string media, string reason)
    {
        Assert.True(SessionDescription.TryParse("v=0\r\no=- 1 1 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\n" + media, out var sdp, out _));
        Assert.False(AnchoredSdp.TryAnchor(sdp!, Gateway, out _, out var failure));
        Assert.Equal(488, failure!.StatusCode);
        Assert.Contains(reason, failure.Reason);
    }
}
