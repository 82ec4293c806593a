using Gateway.Sdp.Crypto;

namespace Gateway.Sdp.Translation;

/// <summary>
/// SDES offer/answer for the SIP audio stream (RFC 4568 §7.1): the gateway offers both AES_CM_128 suites with fresh keys,
/// accepts the one a=crypto the answerer picked (its tag names the offered attribute, §7.1.3), and answers an offer with
/// the first usable a=crypto, same tag and suite, and its own fresh key (§7.1.2).
/// </summary>
internal static class SdesNegotiation
{
    public const string SecureProfile = "RTP/SAVP", PlainProfile = "RTP/AVP";

    /// <summary>RFC 4568 §5.1: RTP/SAVP when SRTP is required; RTP/AVP with a=crypto is the best-effort form.</summary>
    public static string OfferProfile(SrtpMode mode) => mode == SrtpMode.Required ? SecureProfile : PlainProfile;

    /// <summary>Adds a=crypto:1 _80 and a=crypto:2 _32, each with a fresh key, and returns them.</summary>
    public static IReadOnlyList<SdpCrypto> AddOffer(SdpMediaDescription media, SrtpMode mode)
    {
        if (mode == SrtpMode.Off) return [];
        SdpCrypto[] offered = [SdpCrypto.Create(1, SdpCryptoSuite.AesCm128HmacSha1_80), SdpCrypto.Create(2, SdpCryptoSuite.AesCm128HmacSha1_32)];
        foreach (var crypto in offered) media.AddAttribute(SdpCrypto.AttributeName, crypto.ToAttributeValue());
        return offered;
    }

    /// <summary>Reads the answer to our offer: the chosen suite and keys, null for plain RTP, or a failure.</summary>
    public static bool TryAcceptAnswer(IReadOnlyList<SdpCrypto> offered, SrtpMode mode, SdpMediaDescription answer, out SdesKeys? keys, out SdpNegotiationFailure? failure)
    {
        keys = null;
        failure = null;
        if (mode == SrtpMode.Off) return true;
        var lines = answer.GetAttributes(SdpCrypto.AttributeName).ToList();
        if (lines.Count == 0)
        {
            if (mode == SrtpMode.Optional && answer.Protocol != SecureProfile) return true; // §5.1 best effort: plain RTP
            failure = new SdpNegotiationFailure(488, "the SIP answer has no a=crypto (srtp: required)");
            return false;
        }
        // §7.1.3: the answer holds exactly one a=crypto, with the tag of the offered attribute it accepts.
        if (lines.Count > 1)
        {
            failure = new SdpNegotiationFailure(488, "the SIP answer has more than one a=crypto (RFC 4568 §7.1.2 allows one)");
            return false;
        }
        if (!SdpCrypto.TryParse(lines[0], out var chosen, out var error))
        {
            failure = new SdpNegotiationFailure(488, "the SIP answer's a=crypto is malformed: " + error);
            return false;
        }
        var mine = offered.FirstOrDefault(o => o.Tag == chosen!.Tag);
        if (mine is null || mine.Suite != chosen!.Suite || !chosen.IsUsable)
        {
            failure = new SdpNegotiationFailure(488, $"the SIP answer's a=crypto ({chosen}) does not match an offered tag and suite");
            return false;
        }
        keys = new SdesKeys(mine.Suite!.Value, mine.KeySalt, chosen.KeySalt);
        return true;
    }

    /// <summary>Picks the first usable a=crypto of an offer (the offerer's preference, §7.1.2); null for plain RTP; or a failure.</summary>
    public static bool TryChooseFromOffer(SdpMediaDescription offer, SrtpMode mode, out SdpCrypto? remote, out SdpNegotiationFailure? failure)
    {
        remote = null;
        failure = null;
        var secure = offer.Protocol == SecureProfile;
        if (mode == SrtpMode.Off)
        {
            if (!secure) return true;
            failure = new SdpNegotiationFailure(488, "the SIP offer is RTP/SAVP and this trunk has srtp: off");
            return false;
        }
        foreach (var line in offer.GetAttributes(SdpCrypto.AttributeName))
            if (SdpCrypto.TryParse(line, out var crypto, out _) && crypto!.IsUsable) { remote = crypto; return true; }
        if (!secure && mode == SrtpMode.Optional) return true;
        failure = new SdpNegotiationFailure(488, secure || offer.HasAttribute(SdpCrypto.AttributeName)
            ? "the SIP offer has no usable a=crypto (AES_CM_128_HMAC_SHA1_80 or _32, one inline key, no MKI)"
            : "the SIP offer has no a=crypto (srtp: required)");
        return false;
    }

    /// <summary>Our a=crypto answering <paramref name="remote"/> (same tag and suite, fresh key) and the keys both ways.</summary>
    public static SdesKeys Answer(SdpMediaDescription media, SdpCrypto remote)
    {
        var local = SdpCrypto.Create(remote.Tag, remote.Suite!.Value);
        media.AddAttribute(SdpCrypto.AttributeName, local.ToAttributeValue());
        return new SdesKeys(local.Suite!.Value, local.KeySalt, remote.KeySalt);
    }
}
