using System.Security.Cryptography;

namespace Gateway.Media.Srtp;

/// <summary>
/// The SRTP key derivation function (RFC 3711 §4.3.1, with the AES-CM PRF of §4.3.3): with a key derivation
/// rate of 0, x = (label || 0^48) XOR master_salt, and the session key is the AES-CM keystream under the
/// master key with IV = x * 2^16.
/// </summary>
public static class SrtpKeyDerivation
{
    public const byte RtpEncryption = 0x00, RtpAuthentication = 0x01, RtpSalt = 0x02;
    public const byte RtcpEncryption = 0x03, RtcpAuthentication = 0x04, RtcpSalt = 0x05;

    public static void Derive(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, byte label, Span<byte> output)
    {
        using var aes = Aes.Create();
        aes.Key = masterKey.ToArray();
        // x: the 112-bit salt with the label XORed into byte 7 (key_id = label || r, r = 0), right-aligned (§4.3.1).
        Span<byte> iv = stackalloc byte[16];
        masterSalt.CopyTo(iv);
        iv[7] ^= label;
        var blocks = (output.Length + 15) / 16;
        Span<byte> counters = stackalloc byte[blocks * 16];
        Span<byte> stream = stackalloc byte[blocks * 16];
        for (var i = 0; i < blocks; i++)
        {
            var block = counters.Slice(i * 16, 16);
            iv.CopyTo(block);
            block[14] = (byte)(i >> 8);
            block[15] = (byte)i;
        }
        aes.EncryptEcb(counters, stream, PaddingMode.None);
        stream[..output.Length].CopyTo(output);
    }
}
