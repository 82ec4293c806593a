namespace Gateway.Media.Bridge;

/// <summary>Why the media plane ended a session on its own.</summary>
public enum MediaEndReason
{
    /// <summary>RFC 7675: the browser stopped answering consent (no valid check for 30 s).</summary>
    ConsentLost,
    /// <summary>No RTP received on a leg for <see cref="MediaEngineOptions.RtpTimeout"/>.</summary>
    RtpTimeout,
    /// <summary>The DTLS handshake failed (fingerprint mismatch, no SRTP profile, alert).</summary>
    DtlsFailed,
    /// <summary>ICE and DTLS did not complete within <see cref="MediaEngineOptions.ConnectTimeout"/>.</summary>
    ConnectTimeout,
}
