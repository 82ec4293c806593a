using Gateway.Sdp.Translation;

namespace Gateway.Sdp.Tests.Translation;

/// <summary>The SIP party's answer to the gateway's own offer, read for an application on that leg (RFC 3264 §6.1, §7).</summary>
public sealed class OriginateAnswerTests
{
    private static SessionDescription Offer()
    {
        var policy = SdpTranslationPolicy.Default with { SipCodecs = [new(0, "PCMU", 8000), new(111, "opus", 48000, 2)] };
        Assert.True(OriginateOffer.TryCreate(new RtpEndpoint("127.0.0.1", 40000), policy, out var offer, out _));
        return offer!;
    }

    private static SessionDescription Answer(string media)
    {
        Assert.True(SessionDescription.TryParse("v=0\r\no=peer 1 1 IN IP4 192.0.2.7\r\ns=-\r\nc=IN IP4 192.0.2.7\r\nt=0 0\r\n" + media, out var sdp, out var error), error?.ToString());
        return sdp!;
    }

    [Fact]
    public void The_answers_first_offered_codec_with_its_payload_type_telephone_event_and_address()
    {
        var answer = Answer("m=audio 6000 RTP/AVP 96 101\r\na=rtpmap:96 opus/48000/2\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n");

        Assert.True(OriginateAnswer.TryRead(Offer(), answer, out var audio, out var failure), failure?.ToString());
        Assert.Equal((96, "opus", 48000, 101), (audio!.Leg.Codec.PayloadType, audio.Leg.Codec.Encoding, audio.Leg.Codec.ClockRate, audio.Leg.TelephoneEventPayloadType));
        Assert.Equal(("192.0.2.7", 6000), (audio.RemoteRtpAddress, audio.RemoteRtpPort));
    }

    [Theory]
    [InlineData("m=audio 0 RTP/AVP 0\r\n")]                           // rejected stream
    [InlineData("m=audio 6000 RTP/SAVP 0\r\n")]                       // not plain RTP
    [InlineData("m=audio 6000 RTP/AVP 8\r\n")]                        // a codec never offered
    [InlineData("m=audio 6000 RTP/AVP 101\r\na=rtpmap:101 telephone-event/8000\r\n")] // events only
    public void An_answer_the_application_cannot_use_is_488(string media)
    {
        Assert.False(OriginateAnswer.TryRead(Offer(), Answer(media), out _, out var failure));
        Assert.Equal(488, failure!.StatusCode);
    }

    [Fact]
    public void An_offer_without_any_codec_is_refused()
    {
        Assert.False(OriginateOffer.TryCreate(new RtpEndpoint("127.0.0.1", 40000), SdpTranslationPolicy.Default with { SipCodecs = [] }, out _, out var failure));
        Assert.Equal(488, failure!.StatusCode);
    }
}
