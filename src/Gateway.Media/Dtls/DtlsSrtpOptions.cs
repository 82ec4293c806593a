using Gateway.Media.Srtp;

namespace Gateway.Media.Dtls;

/// <summary>Settings of a DTLS-SRTP handshake; the defaults suit browsers (Chrome, Firefox, Safari).</summary>
public sealed class DtlsSrtpOptions
{
    /// <summary>The whole handshake must finish within this time, or <see cref="DtlsSrtpTransport.Completion"/> faults.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// SRTP profiles in preference order: offered in this order as client; as server the first one here that the
    /// client also offers is chosen (RFC 5764 §4.1.1).
    /// </summary>
    public IReadOnlyList<SrtpProfile> Profiles { get; set; } =
        [SrtpProfile.AeadAes128Gcm, SrtpProfile.AesCm128HmacSha1_80, SrtpProfile.AesCm128HmacSha1_32];

    /// <summary>Largest datagram sent; handshake messages are fragmented to fit (RFC 6347 §4.1.1.1).</summary>
    public int MaxDatagramSize { get; set; } = 1200;

    /// <summary>Received datagrams waiting for the handshake thread; more are dropped (the peer retransmits).</summary>
    public int ReceiveQueueCapacity { get; set; } = 64;

    internal void Validate()
    {
        if (Profiles is null || Profiles.Count == 0) throw new ArgumentException("at least one SRTP profile is needed", nameof(Profiles));
        if (HandshakeTimeout <= TimeSpan.Zero) throw new ArgumentException("must be positive", nameof(HandshakeTimeout));
        if (MaxDatagramSize is < 256 or > DtlsDatagramPipe.ReceiveLimit)
            throw new ArgumentException($"must be 256..{DtlsDatagramPipe.ReceiveLimit}", nameof(MaxDatagramSize));
        if (ReceiveQueueCapacity < 1) throw new ArgumentException("must be positive", nameof(ReceiveQueueCapacity));
    }
}
