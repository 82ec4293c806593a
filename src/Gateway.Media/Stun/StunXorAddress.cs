using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Gateway.Media.Stun;

/// <summary>XOR-MAPPED-ADDRESS encoding (RFC 8489 §14.2): port ^ cookie>>16, address ^ (cookie || transaction id).</summary>
public static class StunXorAddress
{
    public const byte FamilyIPv4 = 0x01;
    public const byte FamilyIPv6 = 0x02;

    public static bool TryDecode(ReadOnlySpan<byte> value, ReadOnlySpan<byte> transactionId, out IPEndPoint? endPoint)
    {
        endPoint = null;
        if (value.Length < 8) return false;
        int port = BinaryPrimitives.ReadUInt16BigEndian(value.Slice(2)) ^ (int)(StunMessage.MagicCookie >> 16);
        Span<byte> mask = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(mask, StunMessage.MagicCookie);
        transactionId.CopyTo(mask.Slice(4));
        if (value[1] == FamilyIPv4 && value.Length == 8)
        {
            Span<byte> a = stackalloc byte[4];
            for (int i = 0; i < 4; i++) a[i] = (byte)(value[4 + i] ^ mask[i]);
            endPoint = new IPEndPoint(new IPAddress(a), port);
            return true;
        }
        if (value[1] == FamilyIPv6 && value.Length == 20)
        {
            Span<byte> a = stackalloc byte[16];
            for (int i = 0; i < 16; i++) a[i] = (byte)(value[4 + i] ^ mask[i]);
            endPoint = new IPEndPoint(new IPAddress(a), port);
            return true;
        }
        return false;
    }

    /// <summary>Writes the attribute value (8 or 20 bytes); returns its length, or -1 if the destination is too small.</summary>
    public static int Encode(IPEndPoint endPoint, ReadOnlySpan<byte> transactionId, Span<byte> destination)
    {
        bool v6 = endPoint.AddressFamily == AddressFamily.InterNetworkV6;
        int len = v6 ? 20 : 8;
        if (destination.Length < len) return -1;
        destination[0] = 0;
        destination[1] = v6 ? FamilyIPv6 : FamilyIPv4;
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(2), (ushort)(endPoint.Port ^ (int)(StunMessage.MagicCookie >> 16)));
        if (!endPoint.Address.TryWriteBytes(destination.Slice(4), out _)) return -1;
        Span<byte> mask = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(mask, StunMessage.MagicCookie);
        transactionId.CopyTo(mask.Slice(4));
        for (int i = 0; i < len - 4; i++) destination[4 + i] ^= mask[i];
        return len;
    }
}
