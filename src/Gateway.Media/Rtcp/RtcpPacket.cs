using System.Buffers.Binary;

namespace Gateway.Media.Rtcp;

/// <summary>
/// One packet of a compound (RFC 3550 §6.4):
/// <code>
/// |V=2|P|    RC   |   PT=SR=200   |             length            |
/// |                         SSRC of sender                        |
/// SR: NTP ts (64) | RTP ts | packet count | octet count | report blocks
/// RR: report blocks; BYE: SSRC list; RTPFB/PSFB: FMT in RC, passed through raw.
/// </code>
/// </summary>
public readonly ref struct RtcpPacket
{
    internal RtcpPacket(ReadOnlySpan<byte> raw, int paddingLength)
    {
        Raw = raw;
        PaddingLength = paddingLength;
    }

    /// <summary>The whole packet including its header (for pass-through of feedback).</summary>
    public ReadOnlySpan<byte> Raw { get; }
    public int PaddingLength { get; }
    public byte PacketType => Raw[1];
    /// <summary>RC / SC / FMT field.</summary>
    public int Count => Raw[0] & 0x1F;
    public ReadOnlySpan<byte> Body => Raw.Slice(4, Raw.Length - 4 - PaddingLength);
    public uint SenderSsrc => Body.Length >= 4 ? BinaryPrimitives.ReadUInt32BigEndian(Body) : 0;

    // Sender report fields (§6.4.1).
    public ulong NtpTimestamp => BinaryPrimitives.ReadUInt64BigEndian(Body.Slice(4));
    public uint RtpTimestamp => BinaryPrimitives.ReadUInt32BigEndian(Body.Slice(12));
    public uint SenderPacketCount => BinaryPrimitives.ReadUInt32BigEndian(Body.Slice(16));
    public uint SenderOctetCount => BinaryPrimitives.ReadUInt32BigEndian(Body.Slice(20));

    /// <summary>Report block <paramref name="index"/> of an SR or RR.</summary>
    public RtcpReportBlock GetReportBlock(int index)
    {
        int start = PacketType == RtcpPacketType.SenderReport ? 24 : 4;
        return RtcpReportBlock.Read(Body.Slice(start + index * RtcpReportBlock.Length));
    }

    /// <summary>SSRC <paramref name="index"/> of a BYE (§6.6).</summary>
    public uint GetByeSsrc(int index) => BinaryPrimitives.ReadUInt32BigEndian(Body.Slice(4 * index));

    /// <summary>Media SSRC of RTPFB/PSFB feedback (RFC 4585 §6.1).</summary>
    public uint MediaSsrc => Body.Length >= 8 ? BinaryPrimitives.ReadUInt32BigEndian(Body.Slice(4)) : 0;

    /// <summary>Checks that RC/SC fits the length for SR, RR and BYE.</summary>
    internal bool CountFits() => PacketType switch
    {
        RtcpPacketType.SenderReport => Body.Length >= 24 + Count * RtcpReportBlock.Length,
        RtcpPacketType.ReceiverReport => Body.Length >= 4 + Count * RtcpReportBlock.Length,
        RtcpPacketType.Goodbye => Body.Length >= 4 * Count,
        RtcpPacketType.TransportFeedback or RtcpPacketType.PayloadFeedback => Body.Length >= 8,
        _ => true,
    };
}
