using System.Security.Cryptography;
using Org.BouncyCastle.Security;

namespace Gateway.Media.Dtls;

/// <summary>
/// Certificate fingerprints as in a=fingerprint (RFC 8122 §5): a hash function name from the IANA "Hash Function
/// Textual Names" registry and the hash as hex pairs joined by ':'. Compared case-insensitively.
/// </summary>
internal static class DtlsFingerprint
{
    /// <summary>BouncyCastle digest name for an SDP hash name, or null if not supported (md5/md2 are not allowed, RFC 8122 §5).</summary>
    public static string? DigestName(string algorithm) => algorithm.ToLowerInvariant() switch
    {
        "sha-1" => "SHA-1",
        "sha-224" => "SHA-224",
        "sha-256" => "SHA-256",
        "sha-384" => "SHA-384",
        "sha-512" => "SHA-512",
        _ => null,
    };

    /// <summary>The fingerprint of a DER certificate in upper-case "AB:CD:..." form, or null for an unsupported hash.</summary>
    public static string? Compute(string algorithm, byte[] der)
    {
        var digest = DigestName(algorithm);
        if (digest is null) return null;
        var hash = DigestUtilities.CalculateDigest(digest, der);
        return string.Create(hash.Length * 3 - 1, hash, static (chars, h) =>
        {
            const string hex = "0123456789ABCDEF";
            for (int i = 0; i < h.Length; i++)
            {
                if (i > 0) chars[i * 3 - 1] = ':';
                chars[i * 3] = hex[h[i] >> 4];
                chars[i * 3 + 1] = hex[h[i] & 0xF];
            }
        });
    }

    /// <summary>Parses "ab:CD:..." into bytes; false on any malformed pair.</summary>
    public static bool TryParse(string fingerprint, out byte[] hash)
    {
        hash = [];
        var text = fingerprint.AsSpan().Trim();
        if (text.Length < 2 || (text.Length + 1) % 3 != 0) return false;
        var bytes = new byte[(text.Length + 1) / 3];
        for (int i = 0; i < bytes.Length; i++)
        {
            int hi = HexValue(text[i * 3]), lo = HexValue(text[i * 3 + 1]);
            if (hi < 0 || lo < 0) return false;
            if (i < bytes.Length - 1 && text[i * 3 + 2] != ':') return false;
            bytes[i] = (byte)(hi << 4 | lo);
        }
        hash = bytes;
        return true;
    }

    /// <summary>True if the DER certificate hashes to <paramref name="expected"/> under <paramref name="digestName"/>.</summary>
    public static bool Matches(string digestName, byte[] expected, byte[] der) =>
        CryptographicOperations.FixedTimeEquals(DigestUtilities.CalculateDigest(digestName, der), expected);

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
