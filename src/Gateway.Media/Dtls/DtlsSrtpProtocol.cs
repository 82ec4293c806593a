using Gateway.Media.Srtp;
using Org.BouncyCastle.Tls;

namespace Gateway.Media.Dtls;

/// <summary>The DTLS-SRTP parameters both roles share: cipher suites, SRTP profile code points, key splitting.</summary>
internal static class DtlsSrtpProtocol
{
    /// <summary>ECDHE-ECDSA AEAD suites, as Chrome and Firefox negotiate for WebRTC (AES-128-GCM first).</summary>
    public static readonly int[] EcdsaCipherSuites =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    /// <summary>As client, RSA suites too: a peer acting as DTLS server may still hold an RSA certificate.</summary>
    public static readonly int[] ClientCipherSuites =
    [
        .. EcdsaCipherSuites,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    /// <summary>The use_srtp protection profile code point (RFC 5764 §4.1.2, RFC 7714 §14.2).</summary>
    public static int ToCodePoint(SrtpProfile profile) => profile switch
    {
        SrtpProfile.AesCm128HmacSha1_80 => SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80,
        SrtpProfile.AesCm128HmacSha1_32 => SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32,
        SrtpProfile.AeadAes128Gcm => SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM,
        _ => throw new ArgumentOutOfRangeException(nameof(profile)),
    };

    public static bool TryFromCodePoint(int codePoint, out SrtpProfile profile)
    {
        switch (codePoint)
        {
            case SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80: profile = SrtpProfile.AesCm128HmacSha1_80; return true;
            case SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32: profile = SrtpProfile.AesCm128HmacSha1_32; return true;
            case SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM: profile = SrtpProfile.AeadAes128Gcm; return true;
            default: profile = default; return false;
        }
    }

    /// <summary>Bytes to export: two master keys and two master salts (RFC 5764 §4.2).</summary>
    public static int KeyingMaterialLength(SrtpProfile profile) => 2 * (SrtpProfiles.KeyLength + profile.SaltLength());

    /// <summary>
    /// Splits exported material laid out as client_write_SRTP_master_key | server_write_SRTP_master_key |
    /// client_write_SRTP_master_salt | server_write_SRTP_master_salt (RFC 5764 §4.2).
    /// </summary>
    public static DtlsSrtpKeys SplitKeys(SrtpProfile profile, ReadOnlySpan<byte> material)
    {
        int key = SrtpProfiles.KeyLength, salt = profile.SaltLength();
        return new DtlsSrtpKeys(profile,
            material[..key].ToArray(),
            material.Slice(2 * key, salt).ToArray(),
            material.Slice(key, key).ToArray(),
            material.Slice(2 * key + salt, salt).ToArray());
    }

    /// <summary>Exports and splits the SRTP keys; call from NotifyHandshakeComplete (extended master secret required).</summary>
    public static DtlsSrtpKeys ExportKeys(TlsContext context, SrtpProfile profile) =>
        SplitKeys(profile, context.ExportKeyingMaterial(ExporterLabel.dtls_srtp, null, KeyingMaterialLength(profile)));
}
