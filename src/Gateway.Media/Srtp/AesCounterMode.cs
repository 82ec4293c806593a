using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Gateway.Media.Srtp;

/// <summary>
/// AES in counter mode as SRTP uses it (RFC 3711 §4.1.1): IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16),
/// block j of the keystream = AES(k_e, IV + j). One AES key schedule per context; the keystream is built on
/// the stack, so a packet costs no allocation.
/// </summary>
internal sealed class AesCounterMode : IDisposable
{
    private const int MaxPayload = 2048;
    private readonly Aes _aes;
    private readonly byte[] _salt = new byte[14];

    public AesCounterMode(ReadOnlySpan<byte> key, ReadOnlySpan<byte> salt)
    {
        _aes = Aes.Create();
        _aes.Key = key.ToArray();
        salt.CopyTo(_salt);
    }

    /// <summary>XORs the keystream for (SSRC, index) into <paramref name="data"/> in place (encrypt = decrypt).</summary>
    public void Apply(uint ssrc, ulong index, Span<byte> data)
    {
        if (data.IsEmpty) return;
        if (data.Length > MaxPayload) throw new ArgumentOutOfRangeException(nameof(data), "payload larger than an SRTP packet can be");
        Span<byte> iv = stackalloc byte[16];
        InitialCounter(ssrc, index, iv);
        var blocks = (data.Length + 15) / 16;
        Span<byte> counters = stackalloc byte[blocks * 16];
        Span<byte> stream = stackalloc byte[blocks * 16];
        for (var j = 0; j < blocks; j++)
        {
            var block = counters.Slice(j * 16, 16);
            iv.CopyTo(block);
            var low = (ushort)((iv[14] << 8 | iv[15]) + j);
            BinaryPrimitives.WriteUInt16BigEndian(block[14..], low);
        }
        _aes.EncryptEcb(counters, stream, PaddingMode.None);
        for (var k = 0; k < data.Length; k++) data[k] ^= stream[k];
    }

    /// <summary>One keystream block, AES(k_e, IV + block) (for the RFC 3711 B.2 vectors).</summary>
    internal void KeystreamBlock(uint ssrc, ulong index, ushort block, Span<byte> output)
    {
        Span<byte> counter = stackalloc byte[16];
        InitialCounter(ssrc, index, counter);
        BinaryPrimitives.WriteUInt16BigEndian(counter[14..], block);
        _aes.EncryptEcb(counter, output, PaddingMode.None);
    }

    /// <summary>Salt in bytes 0..13, XOR SSRC at bytes 4..7, XOR the 48-bit index at bytes 8..13; bytes 14..15 count blocks.</summary>
    private void InitialCounter(uint ssrc, ulong index, Span<byte> iv)
    {
        iv.Clear();
        _salt.CopyTo(iv);
        iv[4] ^= (byte)(ssrc >> 24);
        iv[5] ^= (byte)(ssrc >> 16);
        iv[6] ^= (byte)(ssrc >> 8);
        iv[7] ^= (byte)ssrc;
        for (var i = 0; i < 6; i++) iv[8 + i] ^= (byte)(index >> (40 - 8 * i));
    }

    public void Dispose() => _aes.Dispose();
}
