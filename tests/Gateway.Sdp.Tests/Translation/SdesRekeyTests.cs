using Gateway.Sdp.Crypto;
using Gateway.Sdp.Translation;

namespace Gateway.Sdp.Tests.Translation;

/// <summary>RFC 4568 §7.1.4: a re-INVITE from either side that changes an a=crypto key gives that direction a new key.</summary>
public sealed class SdesRekeyTests
{
    private const string PeerKey = "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR";
    private const string NewPeerKey = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIz";
    private static readonly byte[] OurKey = Enumerable.Range(1, 30).Select(i => (byte)i).ToArray();
    private static readonly SdesKeys Current = new(SdpCryptoSuite.AesCm128HmacSha1_80, OurKey, Convert.FromBase64String(PeerKey));

    private static SdpMediaDescription Audio(string profile, params string[] cryptos)
    {
        var text = $"v=0\r\no=- 1 2 IN IP4 192.0.2.9\r\ns=-\r\nc=IN IP4 192.0.2.9\r\nt=0 0\r\nm=audio 30000 {profile} 0\r\na=rtpmap:0 PCMU/8000\r\n"
            + string.Concat(cryptos.Select(c => "a=crypto:" + c + "\r\n"));
        Assert.True(SessionDescription.TryParse(text, out var sdp, out var error), error?.ToString());
        return sdp!.Media[0];
    }

    [Fact]
    public void A_reoffer_with_a_new_key_changes_the_receive_key_and_keeps_ours()
    {
        var answer = Audio("RTP/SAVP", "1 AES_CM_128_HMAC_SHA1_80 inline:" + Convert.ToBase64String(OurKey), "2 AES_CM_128_HMAC_SHA1_32 inline:" + PeerKey);
        Assert.True(SdesRekey.TryAnswerReoffer(Audio("RTP/SAVP", "3 AES_CM_128_HMAC_SHA1_80 inline:" + NewPeerKey), Current, out var next, out var crypto, out var failure), failure?.ToString());
        SdesRekey.SetAnswer(answer, crypto!);
        Assert.Equal(Convert.FromBase64String(NewPeerKey), next!.RemoteKeySalt);
        Assert.Equal(OurKey, next.LocalKeySalt);
        Assert.True(SdesRekey.Changes(Current, next));
        var line = Assert.Single(answer.GetAttributes("crypto")); // §7.1.3: one a=crypto, the tag the offer used
        Assert.Equal("3 AES_CM_128_HMAC_SHA1_80 inline:" + Convert.ToBase64String(OurKey), line);
    }

    [Fact]
    public void A_reoffer_with_the_same_key_changes_nothing()
    {
        Assert.True(SdesRekey.TryAnswerReoffer(Audio("RTP/SAVP", "1 AES_CM_128_HMAC_SHA1_80 inline:" + PeerKey), Current, out var next, out _, out _));
        Assert.False(SdesRekey.Changes(Current, next!));
    }

    [Fact]
    public void A_reoffer_with_another_suite_gets_a_fresh_key_of_that_suite()
    {
        var answer = Audio("RTP/SAVP");
        Assert.True(SdesRekey.TryAnswerReoffer(Audio("RTP/SAVP", "1 AES_CM_128_HMAC_SHA1_32 inline:" + PeerKey), Current, out var next, out var crypto, out _));
        SdesRekey.SetAnswer(answer, crypto!);
        Assert.Equal(SdpCryptoSuite.AesCm128HmacSha1_32, next!.Suite);
        Assert.NotEqual(OurKey, next.LocalKeySalt);
        Assert.StartsWith("1 AES_CM_128_HMAC_SHA1_32 inline:" + Convert.ToBase64String(next.LocalKeySalt), Assert.Single(answer.GetAttributes("crypto")));
        Assert.True(SdesRekey.Changes(Current, next));
    }

    [Theory]
    [InlineData("RTP/AVP")]
    [InlineData("RTP/SAVP")]
    public void A_reoffer_without_a_crypto_is_refused_once_SRTP_is_up(string profile)
    {
        Assert.False(SdesRekey.TryAnswerReoffer(Audio(profile), Current, out _, out _, out var failure));
        Assert.Equal(488, failure!.StatusCode);
    }

    [Fact]
    public void The_answer_to_our_reoffer_may_pick_another_offered_tag_or_a_new_key()
    {
        var ourOffer = Audio("RTP/SAVP", "1 AES_CM_128_HMAC_SHA1_80 inline:" + Convert.ToBase64String(OurKey), "2 AES_CM_128_HMAC_SHA1_32 inline:" + PeerKey);
        Assert.True(SdesRekey.TryAcceptReanswer(ourOffer, Audio("RTP/SAVP", "1 AES_CM_128_HMAC_SHA1_80 inline:" + NewPeerKey), out var rekeyed, out _));
        Assert.Equal(OurKey, rekeyed!.LocalKeySalt);
        Assert.Equal(Convert.FromBase64String(NewPeerKey), rekeyed.RemoteKeySalt);
        Assert.True(SdesRekey.Changes(Current, rekeyed));

        Assert.True(SdesRekey.TryAcceptReanswer(ourOffer, Audio("RTP/SAVP", "2 AES_CM_128_HMAC_SHA1_32 inline:" + NewPeerKey), out var other, out _));
        Assert.Equal(SdpCryptoSuite.AesCm128HmacSha1_32, other!.Suite);
        Assert.Equal(Convert.FromBase64String(PeerKey), other.LocalKeySalt); // the key offered under tag 2

        Assert.True(SdesRekey.TryAcceptReanswer(ourOffer, Audio("RTP/SAVP", "1 AES_CM_128_HMAC_SHA1_80 inline:" + PeerKey), out var same, out _));
        Assert.False(SdesRekey.Changes(Current, same!));
    }

    [Theory]
    [InlineData("3 AES_CM_128_HMAC_SHA1_80 inline:" + PeerKey)]
    [InlineData("1 AES_CM_128_HMAC_SHA1_32 inline:" + PeerKey)]
    [InlineData(null)]
    public void An_answer_to_our_reoffer_that_names_nothing_we_offered_is_refused(string? crypto)
    {
        var ourOffer = Audio("RTP/SAVP", "1 AES_CM_128_HMAC_SHA1_80 inline:" + Convert.ToBase64String(OurKey));
        Assert.False(SdesRekey.TryAcceptReanswer(ourOffer, crypto is null ? Audio("RTP/AVP") : Audio("RTP/SAVP", crypto), out _, out var failure));
        Assert.Equal(488, failure!.StatusCode);
    }
}
