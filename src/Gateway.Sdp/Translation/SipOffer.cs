namespace Gateway.Sdp.Translation;

/// <summary>
/// What the gateway keeps of a SIP offer (or of its own late offer) while the browser answers: the SIP offer
/// (null for an INVITE without SDP, RFC 3261 §13.2.1 late offer), the codecs offered to the browser, and the direction.
/// </summary>
public sealed record SipOffer(SessionDescription? Offer, IReadOnlyList<SdpRtpMap> Codecs, SdpDirection Direction)
{
    public bool IsLateOffer => Offer is null;

    /// <summary>The offer's a=crypto the gateway answers (RFC 4568 §7.1.2), null for plain RTP.</summary>
    public Crypto.SdpCrypto? RemoteCrypto { get; init; }
    /// <summary>The transport profile of the answer: the offer's (RTP/AVP or RTP/SAVP), or ours for a late offer.</summary>
    public string Profile { get; init; } = "RTP/AVP";
    public SrtpMode Srtp { get; init; }

    /// <summary>The SIP codec the browser's Opus is transcoded to (web_codec: opus), null when the browser gets the SIP codecs.</summary>
    public SdpRtpMap? TranscodedSipCodec { get; init; }
}

/// <summary>The SIP answer (or, for a late offer, the gateway's SIP offer in the 200) and what the media plane needs.</summary>
public sealed record SipAnswer(
    SessionDescription Sdp,
    NegotiatedAudio Leg,
    string? RemoteRtpAddress,
    int? RemoteRtpPort,
    SdpDirection Direction,
    string? RemoteIceUfrag,
    string? RemoteIcePwd,
    string? RemoteFingerprint,
    bool GatewayIsDtlsServer)
{
    /// <summary>For a late offer: the a=crypto attributes (our keys) offered in the 200, read against the answer in the ACK.</summary>
    public IReadOnlyList<Crypto.SdpCrypto> OfferedCryptos { get; init; } = [];
    public SrtpMode Srtp { get; init; }

    /// <summary>The browser leg when it differs from <see cref="Leg"/> (Opus, transcoded to the SIP codec), else null.</summary>
    public NegotiatedAudio? WebLeg { get; init; }
}
