namespace Gateway.Media.Srtp;

/// <summary>Why an SRTP/SRTCP packet was refused (RFC 3711 §3.3, §3.4).</summary>
public enum SrtpError
{
    None,
    /// <summary>Shorter than an RTP/RTCP header plus the tag (and SRTCP index).</summary>
    TooShort,
    /// <summary>The RTP header (CSRCs, extension) runs past the packet.</summary>
    BadHeader,
    /// <summary>The authentication tag does not verify (§3.3 step 5): drop.</summary>
    AuthenticationFailed,
    /// <summary>Index already received (§3.3.2 replay protection): drop.</summary>
    Replayed,
    /// <summary>Index too far behind the replay window (§3.3.2): drop.</summary>
    TooOld,
    /// <summary>The caller's buffer has no room for the tag.</summary>
    BufferTooSmall,
    /// <summary>A new SSRC while the context already tracks its maximum number of SSRCs: drop.</summary>
    TooManyStreams,
}
