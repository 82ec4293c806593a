using Gateway.Sdp.Translation;

namespace Gateway.Sdp.Tests.Translation;

public sealed class InboundTranslationTests
{
    private static readonly RtpEndpoint SipSide = new("127.0.0.1", 40000);
    private static readonly WebRtcEndpoint WebRtc = new("127.0.0.1", 50000, "gwUf", "gatewayIcePassword0123456", "sha-256", "AA:BB:CC");

    /// <summary>A browser's answer to the gateway's JSEP offer, as Chrome writes it (setup:active, its own ICE credentials).</summary>
    private static SessionDescription BrowserAnswer(string codecLines, string formats, string direction = "sendrecv") =>
        SessionDescription.TryParse(
            ("v=0\no=- 42 2 IN IP4 127.0.0.1\ns=-\nt=0 0\na=group:BUNDLE 0\n" +
             $"m=audio 9 UDP/TLS/RTP/SAVPF {formats}\nc=IN IP4 0.0.0.0\na=mid:0\na=ice-ufrag:brUf\na=ice-pwd:browserIcePassword012345\n" +
             $"a=fingerprint:sha-256 11:22:33\na=setup:active\na=rtcp-mux\na={direction}\n{codecLines}").Replace("\n", "\r\n"),
            out var sdp, out var e) ? sdp! : throw new InvalidOperationException(e!.ToString());

    [Fact]
    public void TrunkOfferBecomesAJsepOfferAndTheBrowsersAnswerASipAnswer()
    {
        var sipOffer = ConformanceSdps.Parse("trunk-offer-pcmu-pcma-te101.sdp");
        Assert.True(InboundTranslator.TryCreateBrowserOffer(sipOffer, WebRtc, SdpTranslationPolicy.Default, out var jsep, out var state, out var failure), failure?.ToString());
        var offer = SdpAssert.Reparsed(jsep!);
        var audio = Assert.Single(offer.Media);
        Assert.Equal("UDP/TLS/RTP/SAVPF", audio.Protocol);
        SdpAssert.Codecs(audio, "0 PCMU/8000", "8 PCMA/8000", "101 telephone-event/8000");
        SdpAssert.Attribute(audio, "setup", "actpass");
        SdpAssert.Attribute(audio, "mid", "0");
        Assert.True(offer.HasAttribute("ice-lite"));
        Assert.Equal("BUNDLE 0", offer.GetAttribute("group"));

        var browserAnswer = BrowserAnswer("a=rtpmap:8 PCMA/8000\na=rtpmap:101 telephone-event/8000\n", "8 101");
        Assert.True(InboundTranslator.TryCreateSipAnswer(state!, browserAnswer, SipSide, SdpTranslationPolicy.Default, out var answer, out failure), failure?.ToString());
        var sip = SdpAssert.Reparsed(answer!.Sdp);
        SdpAssert.Codecs(sip.Media[0], "8 PCMA/8000", "101 telephone-event/8000");
        SdpAssert.NoWebRtcAttributes(sip.Media[0]);
        Assert.Equal(("198.51.100.20", 16384), (answer.RemoteRtpAddress, answer.RemoteRtpPort));
        Assert.Equal("brUf", answer.RemoteIceUfrag);
        Assert.True(answer.GatewayIsDtlsServer);
        Assert.Equal(101, answer.Leg.TelephoneEventPayloadType);
    }

    [Fact]
    public void WebCodecOpusOffersTheBrowserOpusAndAnswersTheTrunkInItsFirstTranscodableCodec()
    {
        var policy = SdpTranslationPolicy.Default with { WebCodec = WebCodecPolicy.Opus };
        var sipOffer = ConformanceSdps.Parse("trunk-offer-pcmu-pcma-te101.sdp");
        Assert.True(InboundTranslator.TryCreateBrowserOffer(sipOffer, WebRtc, policy, out var jsep, out var state, out var failure), failure?.ToString());
        var audio = SdpAssert.Reparsed(jsep!).Media[0];
        SdpAssert.Codecs(audio, "111 opus/48000", "110 telephone-event/48000");
        Assert.Contains(audio.Lines, l => l.ToString().Contains("rtpmap:111 opus/48000/2", StringComparison.Ordinal)); // RFC 7587 §7
        SdpAssert.Attribute(audio, "fmtp", "111 minptime=10;useinbandfec=1");

        var browserAnswer = BrowserAnswer("a=rtpmap:111 opus/48000/2\na=fmtp:111 minptime=10;useinbandfec=1\na=rtpmap:110 telephone-event/48000\n", "111 110");
        Assert.True(InboundTranslator.TryCreateSipAnswer(state!, browserAnswer, SipSide, policy, out var answer, out failure), failure?.ToString());
        SdpAssert.Codecs(SdpAssert.Reparsed(answer!.Sdp).Media[0], "0 PCMU/8000", "101 telephone-event/8000");
        Assert.Equal(new NegotiatedAudio(new SdpRtpMap(0, "PCMU", 8000), 101), answer.Leg);
        Assert.Equal(new NegotiatedAudio(new SdpRtpMap(111, "opus", 48000, 2), 110), answer.WebLeg);

        // A browser answer that drops Opus cannot be bridged.
        Assert.False(InboundTranslator.TryCreateSipAnswer(state!, BrowserAnswer("a=rtpmap:0 PCMU/8000\n", "0"), SipSide, policy, out _, out failure));
        Assert.Equal(488, failure!.StatusCode);
    }

    [Fact]
    public void WithoutWebCodecOpusTheBrowserGetsTheTrunksCodecsAndNoWebLeg()
    {
        Assert.True(InboundTranslator.TryCreateBrowserOffer(ConformanceSdps.Parse("trunk-offer-pcmu-pcma-te101.sdp"), WebRtc, SdpTranslationPolicy.Default, out _, out var state, out _));
        Assert.Null(state!.TranscodedSipCodec);
        var answer = BrowserAnswer("a=rtpmap:0 PCMU/8000\n", "0");
        Assert.True(InboundTranslator.TryCreateSipAnswer(state, answer, SipSide, SdpTranslationPolicy.Default, out var sip, out _));
        Assert.Null(sip!.WebLeg);
    }

    [Fact]
    public void LateOfferUsesThePolicyCodecsAndHasNoRemoteAddressYet()
    {
        Assert.True(InboundTranslator.TryCreateBrowserOffer(null, WebRtc, SdpTranslationPolicy.Default, out var jsep, out var state, out _));
        Assert.True(state!.IsLateOffer);
        SdpAssert.Codecs(jsep!.Media[0], "0 PCMU/8000", "8 PCMA/8000", "9 G722/8000", "101 telephone-event/8000");
        var browserAnswer = BrowserAnswer("a=rtpmap:0 PCMU/8000\n", "0");
        Assert.True(InboundTranslator.TryCreateSipAnswer(state, browserAnswer, SipSide, SdpTranslationPolicy.Default, out var sipOfferIn200, out _));
        Assert.Null(sipOfferIn200!.RemoteRtpAddress);
        SdpAssert.Codecs(sipOfferIn200.Sdp.Media[0], "0 PCMU/8000");
        Assert.Null(sipOfferIn200.Leg.TelephoneEventPayloadType); // the browser did not accept telephone-event

        // The trunk answers in the ACK.
        Assert.True(InboundTranslator.TryApplyLateAnswer(sipOfferIn200, ConformanceSdps.Parse("phone-hold-sendonly.sdp"), out var completed, out var failure), failure?.ToString());
        Assert.Equal(("192.0.2.50", 11780), (completed!.RemoteRtpAddress, completed.RemoteRtpPort));
        Assert.False(InboundTranslator.TryApplyLateAnswer(sipOfferIn200, ConformanceSdps.Parse("trunk-answer-pcma-only.sdp"), out _, out failure));
        Assert.Contains("PCMU/8000", failure!.Reason);
        Assert.False(InboundTranslator.TryApplyLateAnswer(sipOfferIn200, ConformanceSdps.Parse("trunk-answer-rejected-stream.sdp"), out _, out _));
    }

    [Fact]
    public void HoldOfferFromAPhoneIsOfferedToTheBrowserAsHold()
    {
        Assert.True(InboundTranslator.TryCreateBrowserOffer(ConformanceSdps.Parse("phone-hold-sendonly.sdp"), WebRtc, SdpTranslationPolicy.Default, out var jsep, out _, out _));
        Assert.Equal(SdpDirection.SendOnly, jsep!.DirectionFor(jsep.Media[0]));
        Assert.True(InboundTranslator.TryCreateBrowserOffer(ConformanceSdps.Parse("switch-initial-offer-hold-zero-address.sdp"), WebRtc, SdpTranslationPolicy.Default, out jsep, out _, out var failure), failure?.ToString());
        Assert.Equal(SdpDirection.Inactive, jsep!.DirectionFor(jsep.Media[0]));
    }

    [Fact]
    public void SipOfferWithoutACommonCodecIsRefused()
    {
        var g729 = SessionDescription.TryParse("v=0\r\no=- 1 1 IN IP4 198.51.100.9\r\ns=-\r\nc=IN IP4 198.51.100.9\r\nt=0 0\r\nm=audio 20000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n", out var sdp, out _) ? sdp! : null!;
        Assert.False(InboundTranslator.TryCreateBrowserOffer(g729, WebRtc, SdpTranslationPolicy.Default, out _, out _, out var failure));
        Assert.Equal(488, failure!.StatusCode);
        Assert.Contains("G729/8000", failure.Reason);
    }

    [Fact]
    public void BrowserRejectingAudioFails()
    {
        Assert.True(InboundTranslator.TryCreateBrowserOffer(ConformanceSdps.Parse("trunk-offer-pcmu-pcma-te101.sdp"), WebRtc, SdpTranslationPolicy.Default, out _, out var state, out _));
        var rejected = SessionDescription.TryParse("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 0 UDP/TLS/RTP/SAVPF 0\r\n", out var sdp, out _) ? sdp! : null!;
        Assert.False(InboundTranslator.TryCreateSipAnswer(state!, rejected, SipSide, SdpTranslationPolicy.Default, out _, out var failure));
        Assert.Contains("rejected", failure!.Reason);
    }

    [Fact]
    public void HoldAndResumeReoffersIncrementTheVersion()
    {
        var original = ConformanceSdps.Parse("trunk-offer-pcmu-pcma-te101.sdp");
        var hold = SdpAssert.Reparsed(SdpReoffer.WithDirection(original, SdpDirection.SendOnly));
        Assert.Equal("carrier 8372 8373 IN IP4 198.51.100.20", hold.GetLine('o'));
        Assert.Equal(SdpDirection.SendOnly, hold.DirectionFor(hold.Media[0]));
        Assert.Single(hold.Media[0].Lines, l => SdpDirections.FromAttribute(l.Value) is not null && l.Type == 'a');
        var resume = SdpReoffer.WithDirection(hold, SdpDirection.SendRecv);
        Assert.Equal("carrier 8372 8374 IN IP4 198.51.100.20", resume.GetLine('o'));
        Assert.Equal(SdpDirection.SendRecv, resume.DirectionFor(resume.Media[0]));
        Assert.Equal(original.Media[0].RtpMaps, resume.Media[0].RtpMaps);
    }

    [Fact]
    public void CodecChangeReofferFromTheTrunkIsOfferedToTheBrowserWithTheNewCodecOnly()
    {
        // Mid-call re-INVITE: the trunk now offers PCMA only.
        var reoffer = ConformanceSdps.Parse("trunk-answer-pcma-only.sdp");
        Assert.True(InboundTranslator.TryCreateBrowserOffer(reoffer, WebRtc, SdpTranslationPolicy.Default, out var jsep, out var state, out _));
        SdpAssert.Codecs(jsep!.Media[0], "8 PCMA/8000");
        SdpAssert.Attribute(jsep.Media[0], "ice-ufrag", "gwUf"); // same ICE credentials: no ICE restart for a codec change
        Assert.True(InboundTranslator.TryCreateSipAnswer(state!, BrowserAnswer("a=rtpmap:8 PCMA/8000\n", "8"), SipSide, SdpTranslationPolicy.Default, out var answer, out _));
        Assert.Equal("PCMA", answer!.Leg.Codec.Encoding);
        Assert.Equal(("198.51.100.21", 30122), (answer.RemoteRtpAddress, answer.RemoteRtpPort));
    }
}
