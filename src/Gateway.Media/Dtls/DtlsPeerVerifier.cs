namespace Gateway.Media.Dtls;

/// <summary>The peer's a=fingerprint, parsed once: hash name and expected digest (RFC 8122 §5).</summary>
internal sealed class DtlsPeerVerifier
{
    private readonly string _digestName;
    private readonly byte[] _expected;

    private DtlsPeerVerifier(string algorithm, string digestName, byte[] expected)
    {
        Algorithm = algorithm;
        _digestName = digestName;
        _expected = expected;
    }

    public string Algorithm { get; }

    /// <summary>Parses the SDP values; null with a reason if the hash is unsupported or the hex malformed.</summary>
    public static DtlsPeerVerifier? TryCreate(string algorithm, string fingerprint, out string? error)
    {
        error = null;
        var digest = DtlsFingerprint.DigestName(algorithm ?? "");
        if (digest is null)
        {
            error = $"unsupported fingerprint hash '{algorithm}'";
            return null;
        }
        if (!DtlsFingerprint.TryParse(fingerprint ?? "", out var expected)
            || expected.Length != Org.BouncyCastle.Security.DigestUtilities.GetDigest(digest).GetDigestSize())
        {
            error = $"malformed {algorithm} fingerprint";
            return null;
        }
        return new DtlsPeerVerifier(algorithm!, digest, expected);
    }

    public bool Matches(byte[] der) => DtlsFingerprint.Matches(_digestName, _expected, der);
}
