using System.Buffers.Binary;

namespace Gateway.Media.Rtp;

/// <summary>Writes an RTP fixed header (RFC 3550 §5.1) plus optional CSRCs and one-byte extensions (RFC 8285 §4.2).</summary>
public static class RtpHeaderWriter
{
    /// <summary>Writes a 12-byte header; returns bytes written or -1 if the buffer is too small.</summary>
    public static int Write(Span<byte> destination, byte payloadType, ushort sequence, uint timestamp, uint ssrc, bool marker = false,
        ReadOnlySpan<uint> csrcs = default)
    {
        int length = RtpHeader.FixedLength + 4 * csrcs.Length;
        if (destination.Length < length || csrcs.Length > 15) return -1;
        destination[0] = (byte)(0x80 | csrcs.Length);
        destination[1] = (byte)((marker ? 0x80 : 0) | (payloadType & 0x7F));
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(4), timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(8), ssrc);
        for (int i = 0; i < csrcs.Length; i++)
            BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(12 + 4 * i), csrcs[i]);
        return length;
    }

    /// <summary>
    /// Appends a one-byte-form extension block with a single element (id 1..14, 1..16 bytes) right after a
    /// header written by <see cref="Write"/>, setting the X bit. Returns the new header length or -1.
    /// </summary>
    public static int AppendOneByteExtension(Span<byte> packet, int headerLength, int id, ReadOnlySpan<byte> value)
    {
        if (id < 1 || id > 14 || value.Length < 1 || value.Length > 16) return -1;
        int words = (1 + value.Length + 3) / 4;
        int total = headerLength + 4 + words * 4;
        if (packet.Length < total) return -1;
        packet[0] |= 0x10;
        BinaryPrimitives.WriteUInt16BigEndian(packet.Slice(headerLength), 0xBEDE);
        BinaryPrimitives.WriteUInt16BigEndian(packet.Slice(headerLength + 2), (ushort)words);
        var body = packet.Slice(headerLength + 4, words * 4);
        body.Clear();
        body[0] = (byte)((id << 4) | (value.Length - 1));
        value.CopyTo(body.Slice(1));
        return total;
    }
}
