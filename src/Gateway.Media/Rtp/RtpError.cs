namespace Gateway.Media.Rtp;

/// <summary>Why a datagram is not a valid RTP packet (RFC 3550 §5.1, RFC 8285 §4).</summary>
public enum RtpError
{
    None = 0,
    /// <summary>Shorter than the 12-byte fixed header (RFC 3550 §5.1).</summary>
    TooShort,
    /// <summary>Version field is not 2 (RFC 3550 §5.1).</summary>
    BadVersion,
    /// <summary>CSRC list runs past the packet (RFC 3550 §5.1, CC field).</summary>
    TruncatedCsrc,
    /// <summary>Header extension runs past the packet (RFC 3550 §5.3.1).</summary>
    TruncatedExtension,
    /// <summary>Padding count is zero or exceeds the payload (RFC 3550 §5.1, P bit).</summary>
    BadPadding,
    /// <summary>Caller's buffer too small when building.</summary>
    BufferTooSmall,
}
