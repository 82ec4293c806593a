using System.Buffers.Binary;

namespace Gateway.Media.Rtcp;

/// <summary>A reception report block (RFC 3550 §6.4.1), 24 bytes.</summary>
public readonly record struct RtcpReportBlock(uint Ssrc, byte FractionLost, int CumulativeLost, uint ExtendedHighestSequence,
    uint Jitter, uint LastSenderReport, uint DelaySinceLastSenderReport)
{
    public const int Length = 24;

    public static RtcpReportBlock Read(ReadOnlySpan<byte> b)
    {
        int lost = (b[5] << 16) | (b[6] << 8) | b[7];
        if ((lost & 0x800000) != 0) lost |= unchecked((int)0xFF000000); // signed 24-bit
        return new RtcpReportBlock(BinaryPrimitives.ReadUInt32BigEndian(b), b[4], lost,
            BinaryPrimitives.ReadUInt32BigEndian(b.Slice(8)), BinaryPrimitives.ReadUInt32BigEndian(b.Slice(12)),
            BinaryPrimitives.ReadUInt32BigEndian(b.Slice(16)), BinaryPrimitives.ReadUInt32BigEndian(b.Slice(20)));
    }

    public void Write(Span<byte> b)
    {
        BinaryPrimitives.WriteUInt32BigEndian(b, Ssrc);
        b[4] = FractionLost;
        b[5] = (byte)(CumulativeLost >> 16); b[6] = (byte)(CumulativeLost >> 8); b[7] = (byte)CumulativeLost;
        BinaryPrimitives.WriteUInt32BigEndian(b.Slice(8), ExtendedHighestSequence);
        BinaryPrimitives.WriteUInt32BigEndian(b.Slice(12), Jitter);
        BinaryPrimitives.WriteUInt32BigEndian(b.Slice(16), LastSenderReport);
        BinaryPrimitives.WriteUInt32BigEndian(b.Slice(20), DelaySinceLastSenderReport);
    }
}
