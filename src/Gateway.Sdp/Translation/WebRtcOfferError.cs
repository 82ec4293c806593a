namespace Gateway.Sdp.Translation;

/// <summary>Why a browser's offer cannot carry DTLS-SRTP media, each tied to its RFC rule.</summary>
public enum WebRtcOfferErrorKind
{
    /// <summary>No audio m-line over UDP/TLS/RTP/SAVP(F) (RFC 5764 §8).</summary>
    NoSecureAudio,
    /// <summary>No a=fingerprint for the audio (RFC 8122 §5, RFC 5763 §5: the offer must carry one).</summary>
    MissingFingerprint,
    /// <summary>a=fingerprint is not hash-func SP fingerprint with hex pairs of the hash's length (RFC 8122 §5).</summary>
    MalformedFingerprint,
    /// <summary>The only fingerprints use md2, md5 or sha-1 (RFC 8122 §5: SHA-256 or stronger; RFC 8827 §6.5).</summary>
    WeakFingerprint,
    /// <summary>a=ice-ufrag is missing or not 4..256 ice-chars (RFC 8839 §5.4).</summary>
    BadIceUfrag,
    /// <summary>a=ice-pwd is missing or not 22..256 ice-chars (RFC 8839 §5.4).</summary>
    BadIcePwd,
    /// <summary>a=setup is missing or not actpass, active or passive (RFC 4145 §4, RFC 5763 §5: holdconn is no role).</summary>
    BadSetup,
}

/// <summary>A refused browser offer: the rule it breaks and what to fix; answered with SIP-style 488.</summary>
public sealed record WebRtcOfferError(WebRtcOfferErrorKind Kind, string Message)
{
    public SdpNegotiationFailure ToFailure() => new(488, $"Not Acceptable Here ({Message})");

    public override string ToString() => $"{Message} ({Kind})";
}
