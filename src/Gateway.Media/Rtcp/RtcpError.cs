namespace Gateway.Media.Rtcp;

/// <summary>Why an RTCP compound packet is invalid (RFC 3550 §6.4, §A.2 validity checks).</summary>
public enum RtcpError
{
    None = 0,
    /// <summary>Fewer than 4 bytes for a common header (RFC 3550 §6.4.1).</summary>
    TooShort,
    /// <summary>Version is not 2 (RFC 3550 A.2).</summary>
    BadVersion,
    /// <summary>Length field runs past the datagram (RFC 3550 A.2).</summary>
    BadLength,
    /// <summary>Padding bit on a packet that is not last, or a bad padding count (RFC 3550 A.2).</summary>
    BadPadding,
    /// <summary>Report count does not fit the packet length (RFC 3550 §6.4).</summary>
    BadReportCount,
}
