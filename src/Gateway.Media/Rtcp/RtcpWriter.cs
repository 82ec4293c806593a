using System.Buffers.Binary;

namespace Gateway.Media.Rtcp;

/// <summary>Builds SR, RR and BYE packets into a caller buffer (RFC 3550 §6.4.1, §6.4.2, §6.6). Returns bytes or -1.</summary>
public static class RtcpWriter
{
    public static int WriteSenderReport(Span<byte> dest, uint ssrc, ulong ntpTimestamp, uint rtpTimestamp,
        uint packetCount, uint octetCount, ReadOnlySpan<RtcpReportBlock> blocks)
    {
        int length = 28 + blocks.Length * RtcpReportBlock.Length;
        if (dest.Length < length || blocks.Length > 31) return -1;
        WriteHeader(dest, blocks.Length, RtcpPacketType.SenderReport, length);
        BinaryPrimitives.WriteUInt32BigEndian(dest.Slice(4), ssrc);
        BinaryPrimitives.WriteUInt64BigEndian(dest.Slice(8), ntpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(dest.Slice(16), rtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(dest.Slice(20), packetCount);
        BinaryPrimitives.WriteUInt32BigEndian(dest.Slice(24), octetCount);
        for (int i = 0; i < blocks.Length; i++) blocks[i].Write(dest.Slice(28 + i * RtcpReportBlock.Length));
        return length;
    }

    public static int WriteReceiverReport(Span<byte> dest, uint ssrc, ReadOnlySpan<RtcpReportBlock> blocks)
    {
        int length = 8 + blocks.Length * RtcpReportBlock.Length;
        if (dest.Length < length || blocks.Length > 31) return -1;
        WriteHeader(dest, blocks.Length, RtcpPacketType.ReceiverReport, length);
        BinaryPrimitives.WriteUInt32BigEndian(dest.Slice(4), ssrc);
        for (int i = 0; i < blocks.Length; i++) blocks[i].Write(dest.Slice(8 + i * RtcpReportBlock.Length));
        return length;
    }

    public static int WriteBye(Span<byte> dest, ReadOnlySpan<uint> ssrcs)
    {
        int length = 4 + 4 * ssrcs.Length;
        if (dest.Length < length || ssrcs.Length > 31) return -1;
        WriteHeader(dest, ssrcs.Length, RtcpPacketType.Goodbye, length);
        for (int i = 0; i < ssrcs.Length; i++) BinaryPrimitives.WriteUInt32BigEndian(dest.Slice(4 + 4 * i), ssrcs[i]);
        return length;
    }

    /// <summary>NTP timestamp (RFC 3550 §4): seconds since 1900 in the high 32 bits, fraction in the low 32.</summary>
    public static ulong ToNtp(DateTimeOffset time)
    {
        var since1900 = time.UtcDateTime - new DateTime(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        ulong seconds = (ulong)since1900.Ticks / TimeSpan.TicksPerSecond;
        ulong fraction = ((ulong)since1900.Ticks % TimeSpan.TicksPerSecond << 32) / TimeSpan.TicksPerSecond;
        return (seconds << 32) | fraction;
    }

    private static void WriteHeader(Span<byte> dest, int count, byte type, int length)
    {
        dest[0] = (byte)(0x80 | count);
        dest[1] = type;
        BinaryPrimitives.WriteUInt16BigEndian(dest.Slice(2), (ushort)(length / 4 - 1));
    }
}
