using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;

namespace Gateway.Media.Stun;

/// <summary>
/// Builds a STUN message into a caller buffer (RFC 8489 §5, §14). Add attributes in order, then
/// MESSAGE-INTEGRITY and FINGERPRINT last. Any overflow sets <see cref="Error"/>; nothing throws.
/// </summary>
public ref struct StunWriter
{
    private readonly Span<byte> _buffer;
    private int _length;

    public StunWriter(Span<byte> buffer, StunMethod method, StunClass cls, ReadOnlySpan<byte> transactionId)
    {
        _buffer = buffer;
        Error = StunError.None;
        if (buffer.Length < StunMessage.HeaderLength || transactionId.Length != 12)
        {
            Error = StunError.BufferTooSmall;
            return;
        }
        BinaryPrimitives.WriteUInt16BigEndian(buffer, EncodeType(method, cls));
        BinaryPrimitives.WriteUInt32BigEndian(buffer.Slice(4), StunMessage.MagicCookie);
        transactionId.CopyTo(buffer.Slice(8));
        _length = StunMessage.HeaderLength;
        UpdateLength();
    }

    public StunError Error { get; private set; }

    /// <summary>Bytes written so far (the full message once finished).</summary>
    public readonly int Length => Error == StunError.None ? _length : 0;

    public readonly ReadOnlySpan<byte> Written => _buffer.Slice(0, Length);

    /// <summary>Type field from method and class (RFC 8489 §5, figure 3).</summary>
    public static ushort EncodeType(StunMethod method, StunClass cls)
    {
        int m = (int)method, c = (int)cls;
        return (ushort)((m & 0x000F) | ((m & 0x0070) << 1) | ((m & 0x0F80) << 2) | ((c & 1) << 4) | ((c & 2) << 7));
    }

    public void AddAttribute(ushort type, scoped ReadOnlySpan<byte> value)
    {
        var dest = Reserve(type, value.Length);
        if (Error == StunError.None) value.CopyTo(dest);
    }

    public void AddUInt32(ushort type, uint value)
    {
        var dest = Reserve(type, 4);
        if (!dest.IsEmpty) BinaryPrimitives.WriteUInt32BigEndian(dest, value);
    }

    public void AddUInt64(ushort type, ulong value)
    {
        var dest = Reserve(type, 8);
        if (!dest.IsEmpty) BinaryPrimitives.WriteUInt64BigEndian(dest, value);
    }

    public void AddFlag(ushort type) => Reserve(type, 0);

    public void AddXorMappedAddress(IPEndPoint endPoint)
    {
        Span<byte> tmp = stackalloc byte[20];
        int n = StunXorAddress.Encode(endPoint, _buffer.Slice(8, 12), tmp);
        if (n < 0) { Error = StunError.BadAttributeValue; return; }
        AddAttribute(StunAttributeType.XorMappedAddress, tmp.Slice(0, n));
    }

    /// <summary>ERROR-CODE (RFC 8489 §14.8) with an ASCII reason phrase.</summary>
    public void AddErrorCode(int code, string reason)
    {
        int n = System.Text.Encoding.UTF8.GetByteCount(reason);
        var dest = Reserve(StunAttributeType.ErrorCode, 4 + n);
        if (dest.IsEmpty) return;
        dest[0] = 0; dest[1] = 0;
        dest[2] = (byte)(code / 100);
        dest[3] = (byte)(code % 100);
        System.Text.Encoding.UTF8.GetBytes(reason, dest.Slice(4));
    }

    /// <summary>MESSAGE-INTEGRITY, HMAC-SHA1 over everything so far (RFC 8489 §14.5).</summary>
    public void AddMessageIntegrity(scoped ReadOnlySpan<byte> key)
    {
        int offset = _length;
        var dest = Reserve(StunAttributeType.MessageIntegrity, 20);
        if (dest.IsEmpty) return;
        StunMessage.ComputeIntegrity(_buffer, offset, 24, key, dest, sha256: false);
    }

    /// <summary>MESSAGE-INTEGRITY-SHA256, full 32 bytes (RFC 8489 §14.6).</summary>
    public void AddMessageIntegritySha256(scoped ReadOnlySpan<byte> key)
    {
        int offset = _length;
        var dest = Reserve(StunAttributeType.MessageIntegritySha256, 32);
        if (dest.IsEmpty) return;
        StunMessage.ComputeIntegrity(_buffer, offset, 36, key, dest, sha256: true);
    }

    /// <summary>FINGERPRINT: CRC-32 of the message so far xor 0x5354554E (RFC 8489 §14.7).</summary>
    public void AddFingerprint()
    {
        int offset = _length;
        var dest = Reserve(StunAttributeType.Fingerprint, 4);
        if (dest.IsEmpty) return;
        BinaryPrimitives.WriteUInt32BigEndian(dest, StunCrc32.Compute(_buffer.Slice(0, offset)) ^ StunMessage.FingerprintXor);
    }

    /// <summary>Writes the attribute header, zero padding, updates the length; returns the value slot.</summary>
    private Span<byte> Reserve(ushort type, int valueLength)
    {
        if (Error != StunError.None) return default;
        int padded = (valueLength + 3) & ~3;
        if (_buffer.Length - _length < 4 + padded || valueLength > ushort.MaxValue)
        {
            Error = StunError.BufferTooSmall;
            return default;
        }
        var at = _buffer.Slice(_length, 4 + padded);
        BinaryPrimitives.WriteUInt16BigEndian(at, type);
        BinaryPrimitives.WriteUInt16BigEndian(at.Slice(2), (ushort)valueLength);
        at.Slice(4 + valueLength).Clear();
        _length += 4 + padded;
        UpdateLength();
        return at.Slice(4, valueLength);
    }

    private readonly void UpdateLength() =>
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(2), (ushort)(_length - StunMessage.HeaderLength));

    /// <summary>A fresh random 96-bit transaction id (RFC 8489 §6).</summary>
    public static void NewTransactionId(Span<byte> destination) => RandomNumberGenerator.Fill(destination.Slice(0, 12));
}
