using Gateway.Sdp.Crypto;

namespace Gateway.Sdp.Translation;

/// <summary>
/// SDES in offers and answers after the session is set up (RFC 4568 §7.1.4): a re-INVITE from either side may change a
/// direction's key (or the suite), and the new key applies to that direction from then on, in a new SRTP context. An
/// established SRTP stream stays SRTP: a re-offer or re-answer without a usable a=crypto is refused (488).
/// </summary>
public static class SdesRekey
{
    /// <summary>
    /// The keys after the peer's re-offer: its first usable a=crypto is the key we receive with; our answering attribute
    /// (<paramref name="answer"/>, for <see cref="SetAnswer"/>) keeps the key we send with when the suite stays (§7.1.4
    /// allows either), a fresh one otherwise.
    /// </summary>
    public static bool TryAnswerReoffer(SdpMediaDescription offer, SdesKeys current, out SdesKeys? next, out SdpCrypto? answer, out SdpNegotiationFailure? failure)
    {
        next = null;
        answer = null;
        if (!SdesNegotiation.TryChooseFromOffer(offer, SrtpMode.Required, out var remote, out failure)) return false;
        var suite = remote!.Suite!.Value;
        answer = suite == current.Suite
            ? new SdpCrypto(remote.Tag, suite.Name(), suite, current.LocalKeySalt, null, [])
            : SdpCrypto.Create(remote.Tag, suite);
        next = new SdesKeys(suite, answer.KeySalt, remote.KeySalt);
        return true;
    }

    /// <summary>Puts <paramref name="crypto"/> in an answer as its only a=crypto (§7.1.3).</summary>
    public static void SetAnswer(SdpMediaDescription answer, SdpCrypto crypto)
    {
        answer.Lines.RemoveAll(l => l.Type == 'a' && l.Value.StartsWith(SdpCrypto.AttributeName + ":", StringComparison.Ordinal));
        answer.AddAttribute(SdpCrypto.AttributeName, crypto.ToAttributeValue());
    }

    /// <summary>The peer's answer to our re-offer: the a=crypto it accepted among those <paramref name="ourOffer"/> carried (§7.1.3), and the keys from now on.</summary>
    public static bool TryAcceptReanswer(SdpMediaDescription ourOffer, SdpMediaDescription answer, out SdesKeys? next, out SdpNegotiationFailure? failure)
    {
        var offered = new List<SdpCrypto>();
        foreach (var line in ourOffer.GetAttributes(SdpCrypto.AttributeName))
            if (SdpCrypto.TryParse(line, out var crypto, out _)) offered.Add(crypto!);
        return SdesNegotiation.TryAcceptAnswer(offered, SrtpMode.Required, answer, out next, out failure);
    }

    /// <summary>True when <paramref name="next"/> changes the suite or a direction's key: the media needs a new context.</summary>
    public static bool Changes(SdesKeys current, SdesKeys next) =>
        current.Suite != next.Suite || !current.LocalKeySalt.AsSpan().SequenceEqual(next.LocalKeySalt) || !current.RemoteKeySalt.AsSpan().SequenceEqual(next.RemoteKeySalt);
}
