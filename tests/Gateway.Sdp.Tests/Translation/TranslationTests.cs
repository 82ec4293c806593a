using Gateway.Sdp.Translation;

namespace Gateway.Sdp.Tests.Translation;

public sealed class TranslationTests
{
    private static readonly RtpEndpoint SipSide = new("127.0.0.1", 40000);
    private static readonly WebRtcEndpoint WebRtc = new("127.0.0.1", 50000, "gwUf", "gatewayIcePassword0123456", "sha-256", "AA:BB:CC");

    private static (SessionDescription Sip, BrowserOffer Browser) Offer(string file, SdpTranslationPolicy? policy = null)
    {
        var offer = ConformanceSdps.Parse(file);
        Assert.True(JsepToSipTranslator.TryCreateSipOffer(offer, SipSide, policy ?? SdpTranslationPolicy.Default, out var sip, out var browser, out var failure), failure?.ToString());
        return (SdpAssert.Reparsed(sip!), browser!);
    }

    private static SessionDescription Sdp(string text) =>
        SessionDescription.TryParse(text.Replace("\n", "\r\n"), out var sdp, out var e) ? sdp! : throw new InvalidOperationException(e!.ToString());

    [Theory]
    [InlineData("chrome-audio-offer.sdp", new[] { "0 PCMU/8000", "8 PCMA/8000", "9 G722/8000", "101 telephone-event/8000" })]
    [InlineData("chromium-audio-offer-trickle.sdp", new[] { "0 PCMU/8000", "8 PCMA/8000", "9 G722/8000", "101 telephone-event/8000" })]
    [InlineData("firefox-audio-offer.sdp", new[] { "0 PCMU/8000", "8 PCMA/8000", "9 G722/8000", "101 telephone-event/8000" })]
    [InlineData("safari-audio-video-data-offer.sdp", new[] { "0 PCMU/8000", "8 PCMA/8000", "9 G722/8000", "101 telephone-event/8000" })]
    [InlineData("chromium-av-datachannel-offer.sdp", new[] { "0 PCMU/8000", "8 PCMA/8000", "9 G722/8000", "101 telephone-event/8000" })]
    [InlineData("chromium120-audio-video-offer.sdp", new[] { "0 PCMU/8000", "8 PCMA/8000", "9 G722/8000", "101 telephone-event/8000" })]
    [InlineData("firefox121-audio-video-offer.sdp", new[] { "0 PCMU/8000", "8 PCMA/8000", "9 G722/8000", "101 telephone-event/8000" })]
    public void BrowserOffersBecomeAPlainAudioSipOffer(string file, string[] codecs)
    {
        var (sip, browser) = Offer(file);
        var audio = Assert.Single(sip.Media);
        Assert.Equal("RTP/AVP", audio.Protocol);
        Assert.Equal(40000, audio.Port);
        Assert.Equal("127.0.0.1", sip.ConnectionFor(audio)!.Address);
        SdpAssert.Codecs(audio, codecs);
        SdpAssert.NoWebRtcAttributes(audio);
        SdpAssert.Attribute(audio, "ptime", "20");
        Assert.Equal(SdpDirection.SendRecv, sip.DirectionFor(audio));
        Assert.NotNull(browser.IceUfrag);
        Assert.NotNull(browser.Fingerprint);
    }

    [Fact]
    public void OfferWithNoCommonCodecAndNoOpusIsRefusedWithAClearReason()
    {
        var offer = ConformanceSdps.Parse("chrome-audio-offer.sdp");
        offer.Media[0].Formats.RemoveAll(f => f != "103");
        offer.Media[0].Lines.RemoveAll(l => l.IsAttribute("rtpmap") && !l.AttributeValue!.StartsWith("103 "));
        Assert.False(JsepToSipTranslator.TryCreateSipOffer(offer, SipSide, SdpTranslationPolicy.Default, out var sip, out _, out var failure));
        Assert.Null(sip);
        Assert.Equal(488, failure!.StatusCode);
        Assert.Contains("no common codec", failure.Reason);
        Assert.Contains("ISAC/16000", failure.Reason);
    }

    [Fact]
    public void OpusOnlyOfferIsTranscodedAutomatically()
    {
        var offer = ConformanceSdps.Parse("chrome-audio-offer.sdp");
        offer.Media[0].Formats.RemoveAll(f => f is not ("111" or "110"));
        offer.Media[0].Lines.RemoveAll(l => l.IsAttribute("rtpmap") && !l.AttributeValue!.StartsWith("111 ") && !l.AttributeValue!.StartsWith("110 "));
        Assert.True(JsepToSipTranslator.TryCreateSipOffer(offer, SipSide, SdpTranslationPolicy.Default, out var sip, out var browser, out var failure), failure?.ToString());
        SdpAssert.Codecs(SdpAssert.Reparsed(sip!).Media[0], ["0 PCMU/8000", "8 PCMA/8000", "9 G722/8000", "101 telephone-event/8000"]);
        Assert.Equal("opus", browser!.TranscodeFrom?.Encoding);
    }

    [Fact]
    public void WebCodecOpusGivesTheBrowserOpusAndTheTrunkPcmu()
    {
        var (sip, browser) = Offer("chrome-audio-offer.sdp", SdpTranslationPolicy.Default with { WebCodec = WebCodecPolicy.Opus });
        SdpAssert.Codecs(sip.Media[0], ["0 PCMU/8000", "8 PCMA/8000", "9 G722/8000", "101 telephone-event/8000"]);
        var sipAnswer = Sdp("v=0\no=- 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio 30000 RTP/AVP 0 101\na=rtpmap:0 PCMU/8000\na=rtpmap:101 telephone-event/8000\na=sendrecv\n");
        Assert.True(SipToJsepTranslator.TryCreateBrowserAnswer(browser, sipAnswer, WebRtc, out var answer, out var failure), failure?.ToString());
        Assert.True(answer!.IsTranscoded);
        Assert.Equal("PCMU", answer.SipLeg.Codec.Encoding);
        Assert.Equal(101, answer.SipLeg.TelephoneEventPayloadType);
        var audio = SdpAssert.Reparsed(answer.Sdp).Media[0];
        Assert.Equal("opus", audio.RtpMaps[0].Encoding);
        Assert.Equal(48000, Assert.Single(audio.RtpMaps, m => m.Encoding == "telephone-event").ClockRate);
        SdpAssert.Attribute(audio, "fmtp", "111 minptime=10;useinbandfec=1");
    }

    [Fact]
    public void WebCodecOpusRelaysWhenTheTrunkTakesOpusItself()
    {
        var (_, browser) = Offer("chrome-audio-offer.sdp", SdpTranslationPolicy.Default with { WebCodec = WebCodecPolicy.Opus, AllowOpus = true });
        var sipAnswer = Sdp("v=0\no=- 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio 30000 RTP/AVP 111\na=rtpmap:111 opus/48000/2\na=sendrecv\n");
        Assert.True(SipToJsepTranslator.TryCreateBrowserAnswer(browser, sipAnswer, WebRtc, out var answer, out _));
        Assert.False(answer!.IsTranscoded);
    }

    [Fact]
    public void OpusIsOfferedOnlyWhenTheTrunkAllowsIt()
    {
        var (sip, _) = Offer("chrome-audio-offer.sdp", SdpTranslationPolicy.Default with { AllowOpus = true });
        Assert.Contains(sip.Media[0].RtpMaps, m => m is { Encoding: "opus", ClockRate: 48000, Channels: 2 });
    }

    [Fact]
    public void VideoOnlyOfferIsRefused()
    {
        var offer = ConformanceSdps.Parse("chromium120-audio-video-offer.sdp");
        offer.Media.RemoveAll(m => m.Media == "audio");
        Assert.False(JsepToSipTranslator.TryCreateSipOffer(offer, SipSide, SdpTranslationPolicy.Default, out _, out _, out var failure));
        Assert.Equal(488, failure!.StatusCode);
        Assert.Contains("no audio", failure.Reason);
    }

    [Fact]
    public void PcmaOnlyTrunkAnswerBecomesABrowserAnswer()
    {
        var (_, browser) = Offer("chrome-audio-offer.sdp");
        var sipAnswer = ConformanceSdps.Parse("trunk-answer-pcma-only.sdp");
        Assert.True(SipToJsepTranslator.TryCreateBrowserAnswer(browser, sipAnswer, WebRtc, out var answer, out var failure), failure?.ToString());
        var jsep = SdpAssert.Reparsed(answer!.Sdp);
        var audio = Assert.Single(jsep.Media);
        Assert.Equal("UDP/TLS/RTP/SAVPF", audio.Protocol);
        SdpAssert.Codecs(audio, "8 PCMA/8000");
        Assert.True(jsep.HasAttribute("ice-lite"));
        Assert.Equal("BUNDLE audio", jsep.GetAttribute("group"));
        SdpAssert.Attribute(audio, "mid", "audio");
        SdpAssert.Attribute(audio, "setup", "passive");
        SdpAssert.Attribute(audio, "ice-ufrag", "gwUf");
        SdpAssert.Attribute(audio, "fingerprint", "sha-256 AA:BB:CC");
        SdpAssert.Attribute(audio, "candidate", "1 1 udp 2130706431 127.0.0.1 50000 typ host");
        Assert.True(audio.HasAttribute("rtcp-mux"));
        Assert.True(audio.HasAttribute("end-of-candidates"));
        Assert.Equal(("198.51.100.21", 30122), (answer.RemoteRtpAddress, answer.RemoteRtpPort));
        Assert.Equal(8, answer.SipLeg.Codec.PayloadType);
        Assert.Null(answer.SipLeg.TelephoneEventPayloadType);
        Assert.True(answer.GatewayIsDtlsServer);
        Assert.Equal("5+Ix", answer.RemoteIceUfrag);
    }

    [Fact]
    public void TelephoneEventIsMappedToTheBrowsersPayloadTypeAtTheCodecsClock()
    {
        var (_, browser) = Offer("chrome-audio-offer.sdp");
        var sipAnswer = Sdp("v=0\no=- 1 1 IN IP4 198.51.100.9\ns=-\nc=IN IP4 198.51.100.9\nt=0 0\nm=audio 20000 RTP/AVP 0 101\na=rtpmap:0 PCMU/8000\na=rtpmap:101 telephone-event/8000\na=fmtp:101 0-16\n");
        Assert.True(SipToJsepTranslator.TryCreateBrowserAnswer(browser, sipAnswer, WebRtc, out var answer, out _));
        Assert.Equal(new NegotiatedAudio(new SdpRtpMap(0, "PCMU", 8000), 101), answer!.SipLeg);
        Assert.Equal(new NegotiatedAudio(new SdpRtpMap(0, "PCMU", 8000), 126), answer.BrowserLeg);
        SdpAssert.Codecs(answer.Sdp.Media[0], "0 PCMU/8000", "126 telephone-event/8000");
    }

    [Fact]
    public void TwoCodecAnswerUsesTheTrunksFirstChoice()
    {
        var (_, browser) = Offer("firefox-audio-offer.sdp");
        var sipAnswer = Sdp("v=0\no=- 1 1 IN IP4 198.51.100.9\ns=-\nc=IN IP4 198.51.100.9\nt=0 0\nm=audio 20000 RTP/AVP 8 0\na=rtpmap:8 PCMA/8000\na=rtpmap:0 PCMU/8000\n");
        Assert.True(SipToJsepTranslator.TryCreateBrowserAnswer(browser, sipAnswer, WebRtc, out var answer, out _));
        Assert.Equal("PCMA", answer!.BrowserLeg.Codec.Encoding);
        Assert.Equal("sdparta_0", answer.Sdp.Media[0].Mid);
    }

    [Fact]
    public void VideoAndDataChannelAreRejectedInTheBrowserAnswerInOrder()
    {
        var (_, browser) = Offer("chromium-av-datachannel-offer.sdp");
        Assert.True(SipToJsepTranslator.TryCreateBrowserAnswer(browser, ConformanceSdps.Parse("trunk-answer-pcma-only.sdp"), WebRtc, out var answer, out _));
        var jsep = SdpAssert.Reparsed(answer!.Sdp);
        Assert.Equal(browser.Offer.Media.Select(m => m.Media), jsep.Media.Select(m => m.Media));
        Assert.Equal(browser.Offer.Media.Select(m => m.Mid), jsep.Media.Select(m => m.Mid));
        Assert.All(jsep.Media.Where(m => m.Media != "audio"), m => Assert.True(m.IsRejected));
        Assert.Equal("BUNDLE " + browser.Audio.Mid, jsep.GetAttribute("group"));
    }

    [Theory]
    [InlineData("phone-hold-sendonly.sdp", SdpDirection.SendOnly)]
    [InlineData("phone-hold-rfc2543-zero-address.sdp", SdpDirection.Inactive)]
    public void HoldAnswersKeepTheirDirection(string file, SdpDirection expected)
    {
        var (_, browser) = Offer("chrome-audio-offer.sdp");
        Assert.True(SipToJsepTranslator.TryCreateBrowserAnswer(browser, ConformanceSdps.Parse(file), WebRtc, out var answer, out _));
        Assert.Equal(expected, answer!.Direction);
        Assert.Equal(expected, answer.Sdp.DirectionFor(answer.Sdp.Media[0]));
    }

    [Fact]
    public void RejectedStreamInTheSipAnswerFailsTheCall()
    {
        var (_, browser) = Offer("chrome-audio-offer.sdp");
        Assert.False(SipToJsepTranslator.TryCreateBrowserAnswer(browser, ConformanceSdps.Parse("trunk-answer-rejected-stream.sdp"), WebRtc, out _, out var failure));
        Assert.Equal(488, failure!.StatusCode);
        Assert.Contains("rejected", failure.Reason);
    }

    [Fact]
    public void AnswerWithoutACommonCodecFails()
    {
        var (_, browser) = Offer("chrome-audio-offer.sdp");
        var g729 = Sdp("v=0\no=- 1 1 IN IP4 198.51.100.9\ns=-\nc=IN IP4 198.51.100.9\nt=0 0\nm=audio 20000 RTP/AVP 18\na=rtpmap:18 G729/8000\n");
        Assert.False(SipToJsepTranslator.TryCreateBrowserAnswer(browser, g729, WebRtc, out _, out var failure));
        Assert.Contains("G729/8000", failure!.Reason);
    }

    [Fact]
    public void BrowserInsistingOnPassiveMakesTheGatewayTheDtlsClient()
    {
        var offer = ConformanceSdps.Parse("chrome-audio-offer.sdp");
        var setup = offer.Media[0].Lines.FindIndex(l => l.IsAttribute("setup"));
        offer.Media[0].Lines[setup] = SdpLine.Attribute("setup", "passive");
        Assert.True(JsepToSipTranslator.TryCreateSipOffer(offer, SipSide, SdpTranslationPolicy.Default, out _, out var browser, out _));
        Assert.True(SipToJsepTranslator.TryCreateBrowserAnswer(browser!, ConformanceSdps.Parse("trunk-answer-pcma-only.sdp"), WebRtc, out var answer, out _));
        Assert.False(answer!.GatewayIsDtlsServer);
        SdpAssert.Attribute(answer.Sdp.Media[0], "setup", "active");
    }
}
