namespace Gateway.Sdp.Crypto;

/// <summary>The SDES crypto suites the gateway speaks (RFC 4568 §6.2): AES-128 counter mode with an 80- or 32-bit HMAC-SHA1 tag.</summary>
public enum SdpCryptoSuite
{
    /// <summary>AES_CM_128_HMAC_SHA1_80 (§6.2.1): 128-bit key, 112-bit salt, 80-bit tag.</summary>
    AesCm128HmacSha1_80,
    /// <summary>AES_CM_128_HMAC_SHA1_32 (§6.2.2): as above with a 32-bit SRTP tag (SRTCP keeps 80 bits).</summary>
    AesCm128HmacSha1_32,
}

public static class SdpCryptoSuites
{
    /// <summary>Key (16 bytes) plus salt (14 bytes): the inline key-salt length of both suites (§6.2.1, §6.2.2).</summary>
    public const int KeySaltLength = 30;

    public static string Name(this SdpCryptoSuite suite) => suite switch
    {
        SdpCryptoSuite.AesCm128HmacSha1_80 => "AES_CM_128_HMAC_SHA1_80",
        _ => "AES_CM_128_HMAC_SHA1_32",
    };

    /// <summary>The suite named <paramref name="name"/> (case-sensitive, §9.2), or null for a suite the gateway does not speak.</summary>
    public static SdpCryptoSuite? FromName(ReadOnlySpan<char> name) => name switch
    {
        "AES_CM_128_HMAC_SHA1_80" => SdpCryptoSuite.AesCm128HmacSha1_80,
        "AES_CM_128_HMAC_SHA1_32" => SdpCryptoSuite.AesCm128HmacSha1_32,
        _ => null,
    };
}
