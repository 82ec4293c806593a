using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Gateway.Media.Srtp;

/// <summary>
/// AES in counter mode as SRTP uses it (RFC 3711 §4.1.1): IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16),
/// block j of the keystream = AES(k_e, IV + j). One AES-ECB transform (AES-NI) is kept per context with its
/// counter and keystream buffers, so a packet costs no allocation. Not thread-safe: one context, one loop.
/// </summary>
internal sealed class AesCounterMode : IDisposable
{
    private const int MaxPayload = 2048;
    private readonly Aes _aes;
    private readonly ICryptoTransform _ecb;
    private readonly byte[] _salt = new byte[14];
    private readonly byte[] _counters = new byte[MaxPayload];
    private readonly byte[] _stream = new byte[MaxPayload];

    public AesCounterMode(ReadOnlySpan<byte> key, ReadOnlySpan<byte> salt)
    {
        _aes = Aes.Create();
        _aes.Key = key.ToArray();
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        _ecb = _aes.CreateEncryptor();
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
        for (var j = 0; j < blocks; j++)
        {
            var block = _counters.AsSpan(j * 16, 16);
            iv.CopyTo(block);
            BinaryPrimitives.WriteUInt16BigEndian(block[14..], (ushort)j);
        }
        _ecb.TransformBlock(_counters, 0, blocks * 16, _stream, 0);
        Xor(data, _stream);
    }

    private static void Xor(Span<byte> data, ReadOnlySpan<byte> keystream)
    {
        var i = 0;
        var width = System.Numerics.Vector<byte>.Count;
        for (; i <= data.Length - width; i += width)
            (new System.Numerics.Vector<byte>(data[i..]) ^ new System.Numerics.Vector<byte>(keystream[i..])).CopyTo(data[i..]);
        for (; i < data.Length; i++) data[i] ^= keystream[i];
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

    public void Dispose()
    {
        _ecb.Dispose();
        _aes.Dispose();
    }
}
