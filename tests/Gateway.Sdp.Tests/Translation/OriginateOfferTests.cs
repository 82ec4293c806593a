using Gateway.Sdp.Translation;

namespace Gateway.Sdp.Tests.Translation;

/// <summary>The gateway's own SIP offer for an originated call (RFC 3264 §5), and its answer as the browser's offer.</summary>
public sealed class OriginateOfferTests
{
    private static readonly RtpEndpoint SipSide = new("127.0.0.1", 40000);
    private static readonly WebRtcEndpoint WebRtc = new("127.0.0.1", 50000, "gwUf", "gatewayIcePassword0123456", "sha-256", "AA:BB:CC");

    [Fact]
    public void The_offer_lists_the_trunks_codecs_then_telephone_event_on_plain_rtp()
    {
        var policy = SdpTranslationPolicy.Default with { SipCodecs = [new(8, "PCMA", 8000), new(0, "PCMU", 8000)] };
        Assert.True(OriginateOffer.TryCreate(SipSide, policy, out var offer, out var failure), failure?.ToString());

        var sdp = SdpAssert.Reparsed(offer!);
        var audio = Assert.Single(sdp.Media);
        Assert.Equal(("RTP/AVP", 40000), (audio.Protocol, audio.Port));
        SdpAssert.Codecs(audio, "8 PCMA/8000", "0 PCMU/8000", "101 telephone-event/8000");
        SdpAssert.Attribute(audio, "ptime", "20");
        Assert.Equal(SdpDirection.SendRecv, sdp.DirectionFor(audio));
        Assert.Equal("127.0.0.1", sdp.ConnectionFor(audio)!.Address);
    }

    [Fact]
    public void Info_dtmf_trunks_get_no_telephone_event_and_srtp_required_is_refused()
    {
        Assert.True(OriginateOffer.TryCreate(SipSide, SdpTranslationPolicy.Default with { TelephoneEventPayloadType = null }, out var offer, out _));
        SdpAssert.Codecs(Assert.Single(offer!.Media), "0 PCMU/8000", "8 PCMA/8000", "9 G722/8000");

        Assert.False(OriginateOffer.TryCreate(SipSide, SdpTranslationPolicy.Default with { Srtp = SrtpMode.Required }, out _, out var failure));
        Assert.Equal(488, failure!.StatusCode);
    }

    [Fact]
    public void The_trunks_answer_becomes_the_browsers_offer_with_its_codec_and_address()
    {
        var answer = SessionDescription.TryParse(
            "v=0\r\no=peer 1 1 IN IP4 192.0.2.7\r\ns=-\r\nc=IN IP4 192.0.2.7\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n",
            out var sdp, out _) ? sdp! : throw new InvalidOperationException();
        Assert.True(InboundTranslator.TryCreateBrowserOffer(answer, WebRtc, SdpTranslationPolicy.Default, out var jsep, out var state, out var failure), failure?.ToString());
        SdpAssert.Codecs(Assert.Single(jsep!.Media), "0 PCMU/8000", "101 telephone-event/8000");
        Assert.Same(answer, state!.Offer); // the trunk's address is read from it when the browser answers
    }
}
