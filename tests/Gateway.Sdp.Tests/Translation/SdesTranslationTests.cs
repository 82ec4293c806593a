using Gateway.Sdp.Crypto;
using Gateway.Sdp.Translation;

namespace Gateway.Sdp.Tests.Translation;

/// <summary>SDES (RFC 4568 §7) toward trunks: what the gateway offers per srtp mode, how it reads the answer, and how it answers an offer.</summary>
public sealed class SdesTranslationTests
{
    private static readonly RtpEndpoint SipSide = new("127.0.0.1", 40000);
    private static readonly WebRtcEndpoint WebRtc = new("127.0.0.1", 50000, "gwUf", "gatewayIcePassword0123456", "sha-256", "AA:BB:CC");
    private const string PeerKey = "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR";

    private static SdpTranslationPolicy Policy(SrtpMode mode) => SdpTranslationPolicy.Default with { Srtp = mode };

    private static SessionDescription Sdp(string text) =>
        SessionDescription.TryParse(text.Replace("\n", "\r\n"), out var sdp, out var e) ? sdp! : throw new InvalidOperationException(e!.ToString());

    private static SessionDescription TrunkSdp(string profile, params string[] cryptos) =>
        Sdp($"v=0\no=- 1 1 IN IP4 192.0.2.9\ns=-\nc=IN IP4 192.0.2.9\nt=0 0\nm=audio 30000 {profile} 0 101\na=rtpmap:0 PCMU/8000\na=rtpmap:101 telephone-event/8000\n"
            + string.Concat(cryptos.Select(c => "a=crypto:" + c + "\n")));

    private static (SessionDescription Sip, BrowserOffer Browser) Offer(SrtpMode mode)
    {
        Assert.True(JsepToSipTranslator.TryCreateSipOffer(ConformanceSdps.Parse("chrome-audio-offer.sdp"), SipSide, Policy(mode), out var sip, out var browser, out var failure), failure?.ToString());
        return (SdpAssert.Reparsed(sip!), browser!);
    }

    [Theory]
    [InlineData(SrtpMode.Off, "RTP/AVP", 0)]
    [InlineData(SrtpMode.Optional, "RTP/AVP", 2)]
    [InlineData(SrtpMode.Required, "RTP/SAVP", 2)]
    public void Offer_CarriesTheProfileAndBothSuites(SrtpMode mode, string profile, int cryptos)
    {
        var (sip, browser) = Offer(mode);
        var audio = Assert.Single(sip.Media);
        Assert.Equal(profile, audio.Protocol);
        var lines = audio.GetAttributes("crypto").ToList();
        Assert.Equal(cryptos, lines.Count);
        Assert.Equal(cryptos, browser.SipCryptos.Count);
        if (cryptos == 0) return;
        Assert.StartsWith("1 AES_CM_128_HMAC_SHA1_80 inline:", lines[0]);
        Assert.StartsWith("2 AES_CM_128_HMAC_SHA1_32 inline:", lines[1]);
        Assert.NotEqual(browser.SipCryptos[0].KeySalt, browser.SipCryptos[1].KeySalt);
        Assert.NotEqual(Offer(mode).Browser.SipCryptos[0].KeySalt, browser.SipCryptos[0].KeySalt); // fresh per call
    }

    [Theory]
    [InlineData(SrtpMode.Required, "RTP/SAVP")]
    [InlineData(SrtpMode.Optional, "RTP/AVP")]
    public void Answer_PicksTheTagThePeerChose(SrtpMode mode, string profile)
    {
        var (_, browser) = Offer(mode);
        var answer = TrunkSdp(profile, "2 AES_CM_128_HMAC_SHA1_32 inline:" + PeerKey);
        Assert.True(SipToJsepTranslator.TryCreateBrowserAnswer(browser, answer, WebRtc, out var jsep, out var failure), failure?.ToString());
        var keys = jsep!.SipLeg.Srtp!;
        Assert.Equal(SdpCryptoSuite.AesCm128HmacSha1_32, keys.Suite);
        Assert.Equal(browser.SipCryptos[1].KeySalt, keys.LocalKeySalt);
        Assert.Equal(Convert.FromBase64String(PeerKey), keys.RemoteKeySalt);
        Assert.Null(jsep.BrowserLeg.Srtp);
        Assert.DoesNotContain(PeerKey, keys.ToString());
    }

    [Fact]
    public void Optional_FallsBackToPlainRtp_WhenTheAnswerHasNoCrypto()
    {
        var (_, browser) = Offer(SrtpMode.Optional);
        Assert.True(SipToJsepTranslator.TryCreateBrowserAnswer(browser, TrunkSdp("RTP/AVP"), WebRtc, out var jsep, out var failure), failure?.ToString());
        Assert.Null(jsep!.SipLeg.Srtp);
    }

    [Theory]
    [InlineData(SrtpMode.Required, "RTP/AVP", null, "no a=crypto")]
    [InlineData(SrtpMode.Optional, "RTP/SAVP", null, "no a=crypto")]
    [InlineData(SrtpMode.Required, "RTP/SAVP", "3 AES_CM_128_HMAC_SHA1_80 inline:" + PeerKey, "does not match")]
    [InlineData(SrtpMode.Required, "RTP/SAVP", "1 AES_CM_128_HMAC_SHA1_32 inline:" + PeerKey, "does not match")]
    [InlineData(SrtpMode.Required, "RTP/SAVP", "1 AES_CM_128_HMAC_SHA1_80 inline:QUJD", "malformed")]
    [InlineData(SrtpMode.Required, "RTP/SAVP", "1 AES_CM_128_HMAC_SHA1_80 inline:" + PeerKey + "|2^20|1:4", "does not match")]
    public void BadAnswers_AreRefusedWith488(SrtpMode mode, string profile, string? crypto, string reason)
    {
        var (_, browser) = Offer(mode);
        var answer = crypto is null ? TrunkSdp(profile) : TrunkSdp(profile, crypto);
        Assert.False(SipToJsepTranslator.TryCreateBrowserAnswer(browser, answer, WebRtc, out _, out var failure));
        Assert.Equal(488, failure!.StatusCode);
        Assert.Contains(reason, failure.Reason);
        Assert.DoesNotContain(PeerKey, failure.Reason);
    }

    [Theory]
    [InlineData(SrtpMode.Required, "RTP/SAVP")]
    [InlineData(SrtpMode.Optional, "RTP/SAVP")]
    [InlineData(SrtpMode.Optional, "RTP/AVP")]
    public void InboundOffer_WithCrypto_IsAnsweredWithTheSameTagAndAFreshKey(SrtpMode mode, string profile)
    {
        var offer = TrunkSdp(profile, "5 AES_CM_128_HMAC_SHA1_80 inline:" + PeerKey + "|2^20|1:4", "6 AES_CM_128_HMAC_SHA1_32 inline:" + PeerKey);
        Assert.True(InboundTranslator.TryCreateBrowserOffer(offer, WebRtc, Policy(mode), out _, out var state, out var failure), failure?.ToString());
        Assert.Equal(6, state!.RemoteCrypto!.Tag); // tag 5 has an MKI: skipped
        var browserAnswer = Sdp("v=0\no=- 42 2 IN IP4 127.0.0.1\ns=-\nt=0 0\nm=audio 9 UDP/TLS/RTP/SAVPF 0\nc=IN IP4 0.0.0.0\na=mid:0\na=setup:active\na=rtpmap:0 PCMU/8000\n");
        Assert.True(InboundTranslator.TryCreateSipAnswer(state, browserAnswer, SipSide, Policy(mode), out var answer, out failure), failure?.ToString());
        var audio = SdpAssert.Reparsed(answer!.Sdp).Media[0];
        Assert.Equal(profile, audio.Protocol);
        var line = Assert.Single(audio.GetAttributes("crypto"));
        Assert.True(SdpCrypto.TryParse(line, out var ours, out _));
        Assert.Equal((6, SdpCryptoSuite.AesCm128HmacSha1_32), (ours!.Tag, ours.Suite!.Value));
        Assert.Equal(ours.KeySalt, answer.Leg.Srtp!.LocalKeySalt);
        Assert.Equal(Convert.FromBase64String(PeerKey), answer.Leg.Srtp.RemoteKeySalt);
        Assert.NotEqual(answer.Leg.Srtp.RemoteKeySalt, answer.Leg.Srtp.LocalKeySalt);
    }

    [Theory]
    [InlineData(SrtpMode.Off, "RTP/SAVP", "srtp: off")]
    [InlineData(SrtpMode.Required, "RTP/AVP", "no a=crypto")]
    [InlineData(SrtpMode.Required, "RTP/SAVP", "no usable a=crypto")]
    public void InboundOffer_TheTrunkDoesNotAllow_IsRefused(SrtpMode mode, string profile, string reason)
    {
        Assert.False(InboundTranslator.TryCreateBrowserOffer(TrunkSdp(profile), WebRtc, Policy(mode), out _, out _, out var failure));
        Assert.Equal(488, failure!.StatusCode);
        Assert.Contains(reason, failure.Reason);
    }

    [Fact]
    public void InboundOffer_WithCryptoOnPlainRtp_AndSrtpOff_IsAnsweredPlain()
    {
        Assert.True(InboundTranslator.TryCreateBrowserOffer(TrunkSdp("RTP/AVP", "1 AES_CM_128_HMAC_SHA1_80 inline:" + PeerKey), WebRtc, Policy(SrtpMode.Off), out _, out var state, out _));
        Assert.Null(state!.RemoteCrypto);
        Assert.Equal("RTP/AVP", state.Profile);
    }

    [Fact]
    public void LateOffer_WithSrtpRequired_OffersCrypto_AndReadsTheAnswerInTheAck()
    {
        Assert.True(InboundTranslator.TryCreateBrowserOffer(null, WebRtc, Policy(SrtpMode.Required), out _, out var state, out _));
        var browserAnswer = Sdp("v=0\no=- 42 2 IN IP4 127.0.0.1\ns=-\nt=0 0\nm=audio 9 UDP/TLS/RTP/SAVPF 0\nc=IN IP4 0.0.0.0\na=mid:0\na=setup:active\na=rtpmap:0 PCMU/8000\n");
        Assert.True(InboundTranslator.TryCreateSipAnswer(state!, browserAnswer, SipSide, Policy(SrtpMode.Required), out var offerIn200, out _));
        Assert.Equal("RTP/SAVP", offerIn200!.Sdp.Media[0].Protocol);
        Assert.Equal(2, offerIn200.Sdp.Media[0].GetAttributes("crypto").Count());
        Assert.True(InboundTranslator.TryApplyLateAnswer(offerIn200, TrunkSdp("RTP/SAVP", "1 AES_CM_128_HMAC_SHA1_80 inline:" + PeerKey), out var completed, out var failure), failure?.ToString());
        Assert.Equal(SdpCryptoSuite.AesCm128HmacSha1_80, completed!.Leg.Srtp!.Suite);
        Assert.False(InboundTranslator.TryApplyLateAnswer(offerIn200, TrunkSdp("RTP/AVP"), out _, out _));
    }
}
