using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace Gateway.Media.Dtls;

/// <summary>
/// The gateway's DTLS identity (RFC 5763 §5): an ECDSA P-256 self-signed certificate generated at start,
/// and its fingerprint as written in a=fingerprint ("sha-256", upper-case hex pairs joined by ':').
/// Immutable: one instance is shared by every <see cref="DtlsSrtpTransport"/> on any thread.
/// </summary>
public sealed class DtlsCertificate
{
    public const string FingerprintAlgorithm = "sha-256";

    private static readonly TimeSpan Validity = TimeSpan.FromDays(30);

    private DtlsCertificate(byte[] der, AsymmetricKeyParameter privateKey)
    {
        Der = der;
        PrivateKey = privateKey;
        Fingerprint = DtlsFingerprint.Compute(FingerprintAlgorithm, der)!;
    }

    /// <summary>"AB:CD:..." (32 pairs) of the DER certificate's SHA-256.</summary>
    public string Fingerprint { get; private init; } = "";

    /// <summary>The DER encoding sent in the Certificate message.</summary>
    internal byte[] Der { get; }

    /// <summary>The P-256 private key; BouncyCastle key parameters are immutable, so signing from many threads is safe.</summary>
    internal AsymmetricKeyParameter PrivateKey { get; }

    /// <summary>A new ECDSA P-256 certificate valid for 30 days, CN=gateway.</summary>
    public static DtlsCertificate Generate() => Generate(TimeProvider.System);

    /// <summary>As <see cref="Generate()"/>, with the validity period taken from <paramref name="time"/>.</summary>
    public static DtlsCertificate Generate(TimeProvider time)
    {
        var random = new SecureRandom();
        var keys = new ECKeyPairGenerator("EC");
        keys.Init(new ECKeyGenerationParameters(SecObjectIdentifiers.SecP256r1, random));
        var pair = keys.GenerateKeyPair();

        var name = new X509Name("CN=gateway");
        var now = time.GetUtcNow().UtcDateTime;
        var generator = new X509V3CertificateGenerator();
        // A positive 64-bit serial (RFC 5280 §4.1.2.2: at most 20 octets, non-negative).
        generator.SetSerialNumber(new BigInteger(64, random).Add(BigInteger.One));
        generator.SetIssuerDN(name);
        generator.SetSubjectDN(name);
        // Backdated a day against peers with a skewed clock; browsers ignore validity anyway.
        generator.SetNotBefore(now.AddDays(-1));
        generator.SetNotAfter(now + Validity);
        generator.SetPublicKey(pair.Public);
        var certificate = generator.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", pair.Private, random));
        return new DtlsCertificate(certificate.GetEncoded(), pair.Private);
    }
}
