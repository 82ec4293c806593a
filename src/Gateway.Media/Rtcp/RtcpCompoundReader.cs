using System.Buffers.Binary;

namespace Gateway.Media.Rtcp;

/// <summary>
/// Walks an RTCP compound datagram packet by packet (RFC 3550 §6.1, A.2). SDES and APP are handed out
/// raw for the caller to skip; RTPFB/PSFB are handed out raw for pass-through. Never throws.
/// </summary>
public ref struct RtcpCompoundReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _pos;

    public RtcpCompoundReader(ReadOnlySpan<byte> datagram)
    {
        _data = datagram;
        _pos = 0;
        Error = RtcpError.None;
    }

    public RtcpError Error { get; private set; }
    public int ErrorOffset { get; private set; }

    /// <summary>Next packet; false at the end or on error (see <see cref="Error"/>).</summary>
    public bool TryReadNext(out RtcpPacket packet)
    {
        packet = default;
        if (Error != RtcpError.None || _pos >= _data.Length) return false;
        var rest = _data.Slice(_pos);
        if (rest.Length < 4) return Fail(RtcpError.TooShort);
        if ((rest[0] >> 6) != 2) return Fail(RtcpError.BadVersion);
        int length = (BinaryPrimitives.ReadUInt16BigEndian(rest.Slice(2)) + 1) * 4;
        if (length > rest.Length) return Fail(RtcpError.BadLength);
        int padding = 0;
        if ((rest[0] & 0x20) != 0)
        {
            // A.2: only the last packet of a compound may be padded.
            if (length != rest.Length) return Fail(RtcpError.BadPadding);
            padding = rest[length - 1];
            if (padding == 0 || padding > length - 4) return Fail(RtcpError.BadPadding);
        }
        packet = new RtcpPacket(rest.Slice(0, length), padding);
        if (!packet.CountFits()) { packet = default; return Fail(RtcpError.BadReportCount); }
        _pos += length;
        return true;
    }

    private bool Fail(RtcpError error)
    {
        Error = error;
        ErrorOffset = _pos;
        return false;
    }
}
