using System.Buffers.Binary;

namespace Gateway.Media.Dtls;

/// <summary>
/// A cheap sanity check of a datagram before it is queued for the handshake: one or more whole DTLS records
/// (RFC 6347 §4.1: type, version, epoch, sequence number, length), so truncated or foreign datagrams cannot fill
/// the bounded queue ahead of real ones.
/// </summary>
internal static class DtlsRecordCheck
{
    public const int HeaderLength = 13;

    public static bool IsWholeRecords(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length < HeaderLength) return false;
        while (!datagram.IsEmpty)
        {
            if (datagram.Length < HeaderLength) return false;
            // change_cipher_spec, alert, handshake, application_data (RFC 5246 §6.2.1); DTLS versions are 0xFExx.
            if (datagram[0] is < 20 or > 23 || datagram[1] != 0xFE) return false;
            int length = BinaryPrimitives.ReadUInt16BigEndian(datagram[11..]);
            if (datagram.Length < HeaderLength + length) return false;
            datagram = datagram[(HeaderLength + length)..];
        }
        return true;
    }
}
