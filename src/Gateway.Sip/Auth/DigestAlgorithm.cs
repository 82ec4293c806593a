using System.Security.Cryptography;
using System.Text;

namespace Gateway.Sip.Auth;

/// <summary>The digest hash functions of RFC 7616 §3.2 (MD5, SHA-256) and RFC 8760 for SIP.</summary>
public enum DigestAlgorithm
{
    Md5,
    Sha256,
}

internal static class DigestHash
{
    public static string Name(DigestAlgorithm algorithm) => algorithm == DigestAlgorithm.Sha256 ? "SHA-256" : "MD5";

    public static bool TryParseName(string? name, out DigestAlgorithm algorithm)
    {
        algorithm = DigestAlgorithm.Md5;
        if (name is null || name.Equals("MD5", StringComparison.OrdinalIgnoreCase)) return true;
        if (name.Equals("SHA-256", StringComparison.OrdinalIgnoreCase)) { algorithm = DigestAlgorithm.Sha256; return true; }
        return false;
    }

    /// <summary>H(data) as lower-case hex (RFC 7616 §3.4.1).</summary>
    public static string Hex(DigestAlgorithm algorithm, string data)
    {
        var bytes = Encoding.UTF8.GetBytes(data);
        var hash = algorithm == DigestAlgorithm.Sha256 ? SHA256.HashData(bytes) : MD5.HashData(bytes);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>
    /// response = KD(H(A1), nonce ":" nc ":" cnonce ":" qop ":" H(A2)) with qop, or KD(H(A1), nonce ":" H(A2)) without
    /// (RFC 2617 §3.2.2.1); A1 = username ":" realm ":" password, A2 = method ":" digest-uri.
    /// </summary>
    public static string Response(DigestAlgorithm algorithm, string username, string realm, string password, string method,
        string uri, string nonce, string? qop, string? nc, string? cnonce)
    {
        var ha1 = Hex(algorithm, username + ":" + realm + ":" + password);
        var ha2 = Hex(algorithm, method + ":" + uri);
        return qop is null
            ? Hex(algorithm, ha1 + ":" + nonce + ":" + ha2)
            : Hex(algorithm, ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
    }
}
