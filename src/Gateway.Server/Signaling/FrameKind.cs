namespace Gateway.Server.Signaling;

/// <summary>What <see cref="FrameReader"/> read: a text message, a refused message, or the peer's close (RFC 6455 §5.6, §5.5.1).</summary>
internal enum FrameKind
{
    Text,
    Binary,
    /// <summary>Larger than MaxFrameBytes: read through and discarded.</summary>
    Oversized,
    Close,
}
