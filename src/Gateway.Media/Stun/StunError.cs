namespace Gateway.Media.Stun;

/// <summary>Why a datagram is not an acceptable STUN message (RFC 8489 §5, §6.3, §14).</summary>
public enum StunError
{
    None = 0,
    /// <summary>Shorter than the 20-byte header (RFC 8489 §5).</summary>
    TooShort,
    /// <summary>The two most significant bits are not zero (RFC 8489 §5).</summary>
    NotStun,
    /// <summary>Magic cookie is not 0x2112A442 (RFC 8489 §5).</summary>
    BadMagicCookie,
    /// <summary>Message length is not a multiple of 4 or does not match the datagram (RFC 8489 §5).</summary>
    BadLength,
    /// <summary>An attribute header or value runs past the message end (RFC 8489 §14).</summary>
    TruncatedAttribute,
    /// <summary>An attribute follows FINGERPRINT, which must be last (RFC 8489 §14.7).</summary>
    AttributeAfterFingerprint,
    /// <summary>Attribute value has the wrong size for its type (RFC 8489 §14).</summary>
    BadAttributeValue,
    /// <summary>Caller's output buffer is too small for the message being built.</summary>
    BufferTooSmall,
}
