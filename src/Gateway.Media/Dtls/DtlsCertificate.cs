namespace Gateway.Media.Dtls;

/// <summary>
/// The gateway's DTLS identity (RFC 5763 §5): an ECDSA P-256 self-signed certificate generated at start,
/// and its fingerprint as written in a=fingerprint ("sha-256", upper-case hex pairs joined by ':').
/// CONTRACT STUB: implemented in the DTLS work.
/// </summary>
public sealed class DtlsCertificate
{
    public const string FingerprintAlgorithm = "sha-256";

    /// <summary>"AB:CD:..." (32 pairs) of the DER certificate's SHA-256.</summary>
    public string Fingerprint { get; private init; } = "";

    /// <summary>A new ECDSA P-256 certificate valid for 30 days, CN=gateway.</summary>
    public static DtlsCertificate Generate() => throw new NotImplementedException();
}
