using System.Security.Cryptography;

namespace Gateway.Sdp.Crypto;

/// <summary>
/// One a=crypto attribute (RFC 4568 §9.1) for SRTP with one inline key: the tag, the suite (null for one the gateway does
/// not speak), the master key and salt, and what the gateway cannot honour (an MKI, session parameters). The key is
/// secret: <see cref="ToString"/> redacts it; only <see cref="ToAttributeValue"/> writes it, for the SDP on the wire.
/// </summary>
public sealed record SdpCrypto(int Tag, string SuiteName, SdpCryptoSuite? Suite, byte[] KeySalt, int? MkiLength, IReadOnlyList<string> SessionParams)
{
    public const string AttributeName = "crypto";

    /// <summary>The gateway can use this attribute: a known suite, one key without MKI, no session parameters (§6.3: unknown ones make it unusable).</summary>
    public bool IsUsable => Suite is not null && MkiLength is null && SessionParams.Count == 0;

    /// <summary>An attribute with a fresh random key and salt (§6.1: keys MUST be random), as the gateway offers or answers.</summary>
    public static SdpCrypto Create(int tag, SdpCryptoSuite suite) =>
        new(tag, suite.Name(), suite, RandomNumberGenerator.GetBytes(SdpCryptoSuites.KeySaltLength), null, []);

    /// <summary>tag SP crypto-suite SP "inline:" key-salt (§9.1); no lifetime (the default 2^31 applies) and no MKI.</summary>
    public string ToAttributeValue() => $"{Tag} {SuiteName} inline:{Convert.ToBase64String(KeySalt)}";

    public static bool TryParse(ReadOnlySpan<char> value, out SdpCrypto? crypto, out SdpCryptoParseError? error) =>
        SdpCryptoParser.TryParse(value, out crypto, out error);

    /// <summary>The attribute with the key replaced by "[redacted]", for logs.</summary>
    public override string ToString() => $"{Tag} {SuiteName} inline:[redacted]";
}
