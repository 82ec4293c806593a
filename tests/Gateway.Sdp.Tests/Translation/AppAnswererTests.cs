using Gateway.Sdp.Translation;

namespace Gateway.Sdp.Tests.Translation;

/// <summary>The gateway answering a SIP offer itself (an application), RFC 3264 §6.1.</summary>
public sealed class AppAnswererTests
{
    private static readonly SdpRtpMap[] Preferred = [new(111, "opus", 48000, 2), new(9, "G722", 8000), new(0, "PCMU", 8000)];
    private static readonly RtpEndpoint Local = new("127.0.0.1", 50000);

    private static SessionDescription Offer(string media) =>
        SessionDescription.TryParse("v=0\r\no=p 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n" + media, out var sdp, out _) ? sdp! : throw new InvalidOperationException();

    [Fact]
    public void The_applications_first_choice_among_the_offered_codecs_and_telephone_event_are_answered()
    {
        var offer = Offer("m=audio 6000 RTP/AVP 0 9 101\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n");

        Assert.True(AppAnswerer.TryAnswer(offer, Local, Preferred, out var answer, out _));

        Assert.Equal(("G722", 101, "192.0.2.1", 6000), (answer!.Leg.Codec.Encoding, answer.Leg.TelephoneEventPayloadType, answer.RemoteRtpAddress, answer.RemoteRtpPort));
        var text = answer.Sdp.ToString();
        Assert.Contains("m=audio 50000 RTP/AVP 9 101\r\n", text);
        Assert.Contains("c=IN IP4 127.0.0.1\r\n", text);
        Assert.Contains("a=sendrecv\r\n", text);
    }

    [Theory]
    [InlineData("m=audio 6000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n", "no common codec")]
    [InlineData("m=audio 6000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n", "RTP/AVP")]
    [InlineData("m=audio 0 RTP/AVP 0\r\n", "RTP/AVP")]
    public void An_offer_the_application_cannot_take_is_488(string media, string reason)
    {
        Assert.False(AppAnswerer.TryAnswer(Offer(media), Local, Preferred, out _, out var failure));
        Assert.Equal(488, failure!.StatusCode);
        Assert.Contains(reason, failure.Reason);
    }

    [Fact]
    public void No_offer_is_488() => Assert.Equal(488, AppAnswerer.TryAnswer(null, Local, Preferred, out _, out var f) ? 0 : f!.StatusCode);
}
