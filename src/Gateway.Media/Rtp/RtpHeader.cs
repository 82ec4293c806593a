using System.Buffers.Binary;

namespace Gateway.Media.Rtp;

/// <summary>
/// Zero-allocation view of an RTP packet (RFC 3550 §5.1):
/// <code>
/// |V=2|P|X|  CC   |M|     PT      |       sequence number         |
/// |                           timestamp                           |
/// |           synchronization source (SSRC) identifier            |
/// |            contributing source (CSRC) identifiers (CC x 32)   |
/// | defined by profile (0xBEDE / 0x100x) |        length (words)  |  (X=1, §5.3.1)
/// </code>
/// </summary>
public readonly ref struct RtpHeader
{
    public const int FixedLength = 12;

    private readonly ReadOnlySpan<byte> _packet;

    private RtpHeader(ReadOnlySpan<byte> packet, int headerLength, int paddingLength)
    {
        _packet = packet;
        HeaderLength = headerLength;
        PaddingLength = paddingLength;
    }

    public int HeaderLength { get; }
    public int PaddingLength { get; }
    public bool Padding => (_packet[0] & 0x20) != 0;
    public bool HasExtension => (_packet[0] & 0x10) != 0;
    public int CsrcCount => _packet[0] & 0x0F;
    public bool Marker => (_packet[1] & 0x80) != 0;
    public byte PayloadType => (byte)(_packet[1] & 0x7F);
    public ushort SequenceNumber => BinaryPrimitives.ReadUInt16BigEndian(_packet.Slice(2));
    public uint Timestamp => BinaryPrimitives.ReadUInt32BigEndian(_packet.Slice(4));
    public uint Ssrc => BinaryPrimitives.ReadUInt32BigEndian(_packet.Slice(8));
    public uint GetCsrc(int index) => BinaryPrimitives.ReadUInt32BigEndian(_packet.Slice(FixedLength + 4 * index));

    /// <summary>The 16-bit "defined by profile" field (0xBEDE one-byte, 0x100x two-byte, RFC 8285 §4.2/§4.3).</summary>
    public ushort ExtensionProfile => HasExtension ? BinaryPrimitives.ReadUInt16BigEndian(_packet.Slice(FixedLength + 4 * CsrcCount)) : (ushort)0;

    /// <summary>Extension data after its 4-byte header.</summary>
    public ReadOnlySpan<byte> ExtensionData
    {
        get
        {
            if (!HasExtension) return default;
            int at = FixedLength + 4 * CsrcCount;
            return _packet.Slice(at + 4, BinaryPrimitives.ReadUInt16BigEndian(_packet.Slice(at + 2)) * 4);
        }
    }

    public ReadOnlySpan<byte> Payload => _packet.Slice(HeaderLength, _packet.Length - HeaderLength - PaddingLength);

    /// <summary>Iterates RFC 8285 elements (one-byte or two-byte form).</summary>
    public RtpExtensionReader Extensions => new(ExtensionProfile, ExtensionData);

    /// <summary>Parses without throwing; <paramref name="errorOffset"/> locates a failure.</summary>
    public static RtpError TryParse(ReadOnlySpan<byte> packet, out RtpHeader header, out int errorOffset)
    {
        header = default;
        errorOffset = 0;
        if (packet.Length < FixedLength) { errorOffset = packet.Length; return RtpError.TooShort; }
        if ((packet[0] >> 6) != 2) return RtpError.BadVersion;
        int length = FixedLength + 4 * (packet[0] & 0x0F);
        if (packet.Length < length) { errorOffset = FixedLength; return RtpError.TruncatedCsrc; }
        if ((packet[0] & 0x10) != 0)
        {
            if (packet.Length < length + 4) { errorOffset = length; return RtpError.TruncatedExtension; }
            int words = BinaryPrimitives.ReadUInt16BigEndian(packet.Slice(length + 2));
            if (packet.Length < length + 4 + words * 4) { errorOffset = length; return RtpError.TruncatedExtension; }
            length += 4 + words * 4;
        }
        int padding = 0;
        if ((packet[0] & 0x20) != 0)
        {
            padding = packet[^1];
            if (padding == 0 || padding > packet.Length - length) { errorOffset = packet.Length - 1; return RtpError.BadPadding; }
        }
        header = new RtpHeader(packet, length, padding);
        return RtpError.None;
    }
}
