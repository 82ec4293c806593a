using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;

namespace Gateway.Media.Stun;

/// <summary>
/// Zero-allocation view over a STUN message (RFC 8489 §5):
/// <code>
///  0                   1                   2                   3
/// |0 0|     STUN Message Type     |         Message Length        |
/// |                         Magic Cookie                          |
/// |                     Transaction ID (96 bits)                  |
/// then attributes: Type(16) Length(16) Value, padded to 4 bytes (§14)
/// </code>
/// </summary>
public readonly ref struct StunMessage
{
    public const int HeaderLength = 20;
    public const uint MagicCookie = 0x2112A442;
    public const uint FingerprintXor = 0x5354554E;

    private readonly ReadOnlySpan<byte> _buffer;

    private StunMessage(ReadOnlySpan<byte> buffer) => _buffer = buffer;

    /// <summary>The whole message (header + attributes).</summary>
    public ReadOnlySpan<byte> Raw => _buffer;
    public ushort Type => BinaryPrimitives.ReadUInt16BigEndian(_buffer);
    public StunClass Class => (StunClass)(((Type >> 7) & 0b10) | ((Type >> 4) & 0b01));
    public StunMethod Method => (StunMethod)((Type & 0x000F) | ((Type >> 1) & 0x0070) | ((Type >> 2) & 0x0F80));
    public ReadOnlySpan<byte> TransactionId => _buffer.Slice(8, 12);
    public ReadOnlySpan<byte> Attributes => _buffer.Slice(HeaderLength);

    /// <summary>Cheap first-byte/cookie test used by demultiplexers (RFC 7983 §7, RFC 8489 §5).</summary>
    public static bool IsStun(ReadOnlySpan<byte> datagram) =>
        datagram.Length >= HeaderLength && (datagram[0] & 0xC0) == 0 &&
        BinaryPrimitives.ReadUInt32BigEndian(datagram.Slice(4)) == MagicCookie;

    /// <summary>Parses a datagram; never throws. On failure, <paramref name="errorOffset"/> is where the problem is.</summary>
    public static StunError TryParse(ReadOnlySpan<byte> datagram, out StunMessage message, out int errorOffset)
    {
        message = default;
        errorOffset = 0;
        if (datagram.Length < HeaderLength) { errorOffset = datagram.Length; return StunError.TooShort; }
        if ((datagram[0] & 0xC0) != 0) return StunError.NotStun;
        if (BinaryPrimitives.ReadUInt32BigEndian(datagram.Slice(4)) != MagicCookie) { errorOffset = 4; return StunError.BadMagicCookie; }
        int length = BinaryPrimitives.ReadUInt16BigEndian(datagram.Slice(2));
        if ((length & 3) != 0 || length + HeaderLength != datagram.Length) { errorOffset = 2; return StunError.BadLength; }

        bool sawFingerprint = false;
        int pos = HeaderLength;
        while (pos < datagram.Length)
        {
            if (sawFingerprint) { errorOffset = pos; return StunError.AttributeAfterFingerprint; }
            if (datagram.Length - pos < 4) { errorOffset = pos; return StunError.TruncatedAttribute; }
            ushort type = BinaryPrimitives.ReadUInt16BigEndian(datagram.Slice(pos));
            int len = BinaryPrimitives.ReadUInt16BigEndian(datagram.Slice(pos + 2));
            int padded = (len + 3) & ~3;
            if (datagram.Length - pos - 4 < padded) { errorOffset = pos; return StunError.TruncatedAttribute; }
            if (!HasValidSize(type, len)) { errorOffset = pos; return StunError.BadAttributeValue; }
            sawFingerprint = type == StunAttributeType.Fingerprint;
            pos += 4 + padded;
        }
        message = new StunMessage(datagram);
        return StunError.None;
    }

    private static bool HasValidSize(ushort type, int len) => type switch
    {
        StunAttributeType.MessageIntegrity => len == 20,
        StunAttributeType.MessageIntegritySha256 => len >= 16 && len <= 32 && (len & 3) == 0,
        StunAttributeType.Fingerprint or StunAttributeType.Priority => len == 4,
        StunAttributeType.UseCandidate => len == 0,
        StunAttributeType.IceControlled or StunAttributeType.IceControlling => len == 8,
        StunAttributeType.XorMappedAddress or StunAttributeType.MappedAddress => len == 8 || len == 20,
        StunAttributeType.ErrorCode => len >= 4,
        StunAttributeType.Username => len <= 513,
        _ => true,
    };

    /// <summary>Finds the first attribute of <paramref name="type"/> (RFC 8489 §14: later duplicates are ignored).</summary>
    public bool TryGetAttribute(ushort type, out ReadOnlySpan<byte> value) => TryGetAttribute(type, out value, out _);

    /// <summary>As <see cref="TryGetAttribute(ushort, out ReadOnlySpan{byte})"/>, also giving the attribute header's offset.</summary>
    public bool TryGetAttribute(ushort type, out ReadOnlySpan<byte> value, out int offset)
    {
        int pos = HeaderLength;
        while (pos + 4 <= _buffer.Length)
        {
            ushort t = BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(pos));
            int len = BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(pos + 2));
            if (t == type) { value = _buffer.Slice(pos + 4, len); offset = pos; return true; }
            pos += 4 + ((len + 3) & ~3);
        }
        value = default;
        offset = -1;
        return false;
    }

    public bool HasAttribute(ushort type) => TryGetAttribute(type, out _);

    public bool TryGetUInt32(ushort type, out uint value)
    {
        value = 0;
        if (!TryGetAttribute(type, out var v) || v.Length != 4) return false;
        value = BinaryPrimitives.ReadUInt32BigEndian(v);
        return true;
    }

    public bool TryGetUInt64(ushort type, out ulong value)
    {
        value = 0;
        if (!TryGetAttribute(type, out var v) || v.Length != 8) return false;
        value = BinaryPrimitives.ReadUInt64BigEndian(v);
        return true;
    }

    /// <summary>ERROR-CODE (RFC 8489 §14.8): class*100 + number, and the UTF-8 reason phrase.</summary>
    public bool TryGetErrorCode(out int code, out ReadOnlySpan<byte> reason)
    {
        code = 0; reason = default;
        if (!TryGetAttribute(StunAttributeType.ErrorCode, out var v) || v.Length < 4) return false;
        code = (v[2] & 0x07) * 100 + v[3];
        reason = v.Slice(4);
        return true;
    }

    /// <summary>Decodes XOR-MAPPED-ADDRESS (RFC 8489 §14.2) for IPv4 or IPv6. Allocates the IPAddress.</summary>
    public bool TryGetXorMappedAddress(out IPEndPoint? endPoint)
    {
        endPoint = null;
        if (!TryGetAttribute(StunAttributeType.XorMappedAddress, out var v)) return false;
        return StunXorAddress.TryDecode(v, TransactionId, out endPoint);
    }

    /// <summary>Checks MESSAGE-INTEGRITY, HMAC-SHA1 keyed by <paramref name="key"/> (RFC 8489 §14.5). No allocation.</summary>
    public bool VerifyMessageIntegrity(ReadOnlySpan<byte> key)
    {
        if (!TryGetAttribute(StunAttributeType.MessageIntegrity, out var mac, out int offset)) return false;
        Span<byte> expected = stackalloc byte[20];
        ComputeIntegrity(_buffer, offset, 24, key, expected, sha256: false);
        return CryptographicOperations.FixedTimeEquals(expected, mac);
    }

    /// <summary>Checks MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6), possibly truncated to 16..32 bytes.</summary>
    public bool VerifyMessageIntegritySha256(ReadOnlySpan<byte> key)
    {
        if (!TryGetAttribute(StunAttributeType.MessageIntegritySha256, out var mac, out int offset)) return false;
        Span<byte> expected = stackalloc byte[32];
        ComputeIntegrity(_buffer, offset, 4 + mac.Length, key, expected, sha256: true);
        return CryptographicOperations.FixedTimeEquals(expected.Slice(0, mac.Length), mac);
    }

    /// <summary>Checks FINGERPRINT, which must be the last attribute (RFC 8489 §14.7).</summary>
    public bool VerifyFingerprint()
    {
        if (!TryGetAttribute(StunAttributeType.Fingerprint, out var fp, out int offset)) return false;
        if (offset + 8 != _buffer.Length) return false;
        uint crc = StunCrc32.Compute(_buffer.Slice(0, offset)) ^ FingerprintXor;
        return crc == BinaryPrimitives.ReadUInt32BigEndian(fp);
    }

    /// <summary>
    /// HMAC over the message up to <paramref name="attributeOffset"/>, with the header length field set
    /// as if the message ended right after this integrity attribute (RFC 8489 §14.5).
    /// </summary>
    internal static void ComputeIntegrity(ReadOnlySpan<byte> message, int attributeOffset, int attributeTotalLength,
        ReadOnlySpan<byte> key, Span<byte> destination, bool sha256)
    {
        Span<byte> copy = attributeOffset <= 1024 ? stackalloc byte[attributeOffset] : new byte[attributeOffset];
        message.Slice(0, attributeOffset).CopyTo(copy);
        BinaryPrimitives.WriteUInt16BigEndian(copy.Slice(2), (ushort)(attributeOffset + attributeTotalLength - HeaderLength));
        if (sha256) HMACSHA256.HashData(key, copy, destination);
        else HMACSHA1.HashData(key, copy, destination);
    }
}
