namespace Gateway.Sdp.Crypto;

/// <summary>Why an a=crypto value was refused, each tied to the RFC 4568 §9.1 grammar rule it breaks.</summary>
public enum SdpCryptoErrorKind
{
    /// <summary>tag = 1*9DIGIT, then one space.</summary>
    BadTag,
    /// <summary>crypto-suite = 1*(ALPHA / DIGIT / "_"), then one space.</summary>
    BadSuite,
    /// <summary>key-param = key-method ":" key-info, with key-method "inline" (§6.1 for SRTP).</summary>
    BadKeyMethod,
    /// <summary>key-salt = 1*(base64): not valid base64 (RFC 4648 §4).</summary>
    BadKeySalt,
    /// <summary>The key-salt does not decode to the suite's key and salt length (§6.2: 30 bytes for AES_CM_128).</summary>
    BadKeyLength,
    /// <summary>lifetime = ["2^"] 1*(DIGIT) (§6.1), at most 2^48 for AES_CM_128 (§6.2).</summary>
    BadLifetime,
    /// <summary>mki = mki-value ":" mki-length, mki-length 1..128 (§6.1).</summary>
    BadMki,
    /// <summary>session-param = 1*(VCHAR) separated by single spaces (§9.1).</summary>
    BadSessionParam,
}

/// <summary>A precise a=crypto error: the 0-based column in the attribute value and what is wrong.</summary>
public sealed record SdpCryptoParseError(SdpCryptoErrorKind Kind, int Column, string Message)
{
    public override string ToString() => $"a=crypto column {Column}: {Message} ({Kind})";
}
