namespace Gateway.Media.Srtp;

/// <summary>SRTP protection profiles (RFC 3711 §8.2, RFC 5764 §4.1.2, RFC 7714 §14.2).</summary>
public enum SrtpProfile
{
    /// <summary>SRTP_AES128_CM_HMAC_SHA1_80: AES-128 counter mode, 80-bit HMAC-SHA1 tag.</summary>
    AesCm128HmacSha1_80,
    /// <summary>SRTP_AES128_CM_HMAC_SHA1_32: as above with a 32-bit tag on SRTP (SRTCP keeps 80 bits, RFC 3711 §5.2).</summary>
    AesCm128HmacSha1_32,
    /// <summary>SRTP_AEAD_AES_128_GCM: AES-128-GCM with a 16-byte tag (RFC 7714).</summary>
    AeadAes128Gcm,
}

public static class SrtpProfiles
{
    /// <summary>Master salt length in bytes: 112 bits for AES-CM, 96 bits for GCM (RFC 7714 §12).</summary>
    public static int SaltLength(this SrtpProfile p) => p == SrtpProfile.AeadAes128Gcm ? 12 : 14;
    public const int KeyLength = 16;
    public static int RtpTagLength(this SrtpProfile p) => p switch { SrtpProfile.AesCm128HmacSha1_32 => 4, SrtpProfile.AeadAes128Gcm => 16, _ => 10 };
    public static int RtcpTagLength(this SrtpProfile p) => p == SrtpProfile.AeadAes128Gcm ? 16 : 10;
}
