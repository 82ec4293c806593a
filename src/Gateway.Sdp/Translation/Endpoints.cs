namespace Gateway.Sdp.Translation;

/// <summary>The gateway's plain RTP endpoint toward SIP: the address written in c= and the port in m=.</summary>
public sealed record RtpEndpoint(string Address, int Port);

/// <summary>
/// The gateway's WebRTC-side media parameters (ICE-lite and DTLS): its host candidates, ICE credentials
/// and certificate fingerprint, as the media plane created them for this call.
/// </summary>
public sealed record WebRtcEndpoint(string Address, int Port, string IceUfrag, string IcePwd, string FingerprintAlgorithm, string Fingerprint)
{
    /// <summary>a=candidate value of the one host candidate (RFC 8839 §5.1): component 1, UDP.</summary>
    public string HostCandidate => $"1 1 udp 2130706431 {Address} {Port} typ host";
}

/// <summary>Why an offer or answer could not be bridged, with the SIP status to send or map (488 by default).</summary>
public sealed record SdpNegotiationFailure(int StatusCode, string Reason)
{
    public override string ToString() => $"{StatusCode} {Reason}";
}

/// <summary>One leg's negotiated audio: the codec and telephone-event payload types on that leg.</summary>
public sealed record NegotiatedAudio(SdpRtpMap Codec, int? TelephoneEventPayloadType)
{
    /// <summary>The SIP leg's SDES keys (RFC 4568), null for plain RTP; always null on the browser leg (DTLS-SRTP keys it).</summary>
    public SdesKeys? Srtp { get; init; }
}
