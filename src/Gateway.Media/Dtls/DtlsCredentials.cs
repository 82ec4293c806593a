using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Gateway.Media.Dtls;

/// <summary>Our certificate and P-256 key as BouncyCastle TLS signing credentials, for either role.</summary>
internal static class DtlsCredentials
{
    // ecdsa_secp256r1_sha256: the only ECDSA scheme a P-256 key should sign with (RFC 8422 §5.1.1 / RFC 8446 §4.2.3).
    private static readonly SignatureAndHashAlgorithm EcdsaSha256 = new(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);

    public static TlsCredentialedSigner CreateSigner(TlsContext context, BcTlsCrypto crypto, DtlsCertificate local)
    {
        var chain = new Certificate([crypto.CreateCertificate(local.Der)]);
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, local.PrivateKey, chain, EcdsaSha256);
    }
}
