namespace Gateway.Sdp.Crypto;

/// <summary>
/// The a=crypto value grammar of RFC 4568 §9.1 for SRTP (§6.1), parsed on a span, never throwing:
/// <code>
/// crypto-value   = tag 1*WSP crypto-suite 1*WSP key-params *(1*WSP session-param)
/// tag            = 1*9DIGIT
/// crypto-suite   = 1*(ALPHA / DIGIT / "_")
/// key-params     = key-param *(";" key-param)
/// key-param      = "inline:" key-salt ["|" lifetime] ["|" mki]
/// key-salt       = 1*(base64)                    ; key || salt, RFC 4648 §4
/// lifetime       = ["2^"] 1*(DIGIT)
/// mki            = mki-value ":" mki-length       ; mki-length 1..128
/// session-param  = 1*(VCHAR)
/// </code>
/// A known suite's key-salt must decode to exactly its key and salt length (§6.2). Only the first key is kept; a second
/// key-param (which needs an MKI, §6.1) makes the attribute unusable, not malformed.
/// </summary>
internal static class SdpCryptoParser
{
    private const string Inline = "inline:";

    public static bool TryParse(ReadOnlySpan<char> value, out SdpCrypto? crypto, out SdpCryptoParseError? error)
    {
        crypto = null;
        error = null;
        var at = 0;

        // tag = 1*9DIGIT (§9.1)
        var tagLength = CountWhile(value, 0, char.IsAsciiDigit);
        if (tagLength is 0 or > 9) return Fail(SdpCryptoErrorKind.BadTag, 0, "the tag must be 1 to 9 digits", out error);
        var tag = int.Parse(value[..tagLength]);
        at = tagLength;
        if (!SkipSpace(value, ref at)) return Fail(SdpCryptoErrorKind.BadTag, at, "a space must follow the tag", out error);

        // crypto-suite = 1*(ALPHA / DIGIT / "_")
        var suiteLength = CountWhile(value, at, c => char.IsAsciiLetterOrDigit(c) || c == '_');
        if (suiteLength == 0) return Fail(SdpCryptoErrorKind.BadSuite, at, "the crypto-suite must be letters, digits and '_'", out error);
        var suiteName = value.Slice(at, suiteLength);
        var suite = SdpCryptoSuites.FromName(suiteName);
        at += suiteLength;
        if (!SkipSpace(value, ref at)) return Fail(SdpCryptoErrorKind.BadSuite, at, "a space and the key-params must follow the crypto-suite", out error);

        // key-params = key-param *(";" key-param)
        var paramsEnd = at + CountWhile(value, at, c => c is not (' ' or '\t'));
        byte[]? keySalt = null;
        int? mkiLength = null;
        var keys = 0;
        while (at < paramsEnd)
        {
            var end = value[at..paramsEnd].IndexOf(';') is var semi and >= 0 ? at + semi : paramsEnd;
            if (!TryKeyParam(value, at, end, suite, out var key, out var mki, out error)) return false;
            if (keys++ == 0) { keySalt = key; mkiLength = mki; }
            else mkiLength ??= mki ?? 0; // a second key: unusable without MKI support
            at = end == paramsEnd ? end : end + 1;
            if (end < paramsEnd && at == paramsEnd) return Fail(SdpCryptoErrorKind.BadKeyMethod, at, "a key-param must follow ';'", out error);
        }

        // *(1*WSP session-param)
        var sessionParams = new List<string>();
        while (at < value.Length)
        {
            if (!SkipSpace(value, ref at) || at == value.Length) break;
            var length = CountWhile(value, at, c => c is > ' ' and < (char)0x7F);
            if (length == 0) return Fail(SdpCryptoErrorKind.BadSessionParam, at, "a session-param must be visible ASCII", out error);
            sessionParams.Add(value.Slice(at, length).ToString());
            at += length;
        }

        crypto = new SdpCrypto(tag, suiteName.ToString(), suite, keySalt!, mkiLength, sessionParams);
        return true;
    }

    /// <summary>key-param = "inline:" key-salt ["|" lifetime] ["|" mki] in value[start..end].</summary>
    private static bool TryKeyParam(ReadOnlySpan<char> value, int start, int end, SdpCryptoSuite? suite, out byte[] key, out int? mkiLength, out SdpCryptoParseError? error)
    {
        key = [];
        mkiLength = null;
        error = null;
        var param = value[start..end];
        if (!param.StartsWith(Inline, StringComparison.Ordinal)) return Fail(SdpCryptoErrorKind.BadKeyMethod, start, "the key method must be 'inline:' (RFC 4568 §6.1)", out error);
        var info = param[Inline.Length..];
        var bar = info.IndexOf('|');
        var encoded = bar < 0 ? info : info[..bar];
        var keyAt = start + Inline.Length;
        Span<byte> decoded = stackalloc byte[96];
        if (encoded.IsEmpty || encoded.Length > 128 || !Convert.TryFromBase64Chars(encoded, decoded, out var written))
            return Fail(SdpCryptoErrorKind.BadKeySalt, keyAt, "the key-salt is not base64", out error);
        if (suite is not null && written != SdpCryptoSuites.KeySaltLength)
            return Fail(SdpCryptoErrorKind.BadKeyLength, keyAt, $"the key-salt decodes to {written} bytes; {suite.Value.Name()} needs {SdpCryptoSuites.KeySaltLength}", out error);
        key = decoded[..written].ToArray();

        var rest = bar < 0 ? [] : info[(bar + 1)..];
        var restAt = keyAt + encoded.Length + 1;
        for (var field = 0; bar >= 0; field++)
        {
            var next = rest.IndexOf('|');
            var part = next < 0 ? rest : rest[..next];
            if (part.Contains(':'))
            {
                if (!TryMki(part, restAt, out mkiLength, out error)) return false;
                if (next >= 0) return Fail(SdpCryptoErrorKind.BadMki, restAt + part.Length, "nothing may follow the MKI", out error);
            }
            else if (field > 0 || !IsLifetime(part, suite)) return Fail(SdpCryptoErrorKind.BadLifetime, restAt, "the lifetime must be [2^]digits, at most 2^48", out error);
            if (next < 0) break;
            restAt += next + 1;
            rest = rest[(next + 1)..];
        }
        return true;
    }

    /// <summary>lifetime = ["2^"] 1*(DIGIT); AES_CM_128 allows at most 2^48 packets (§6.2.1).</summary>
    private static bool IsLifetime(ReadOnlySpan<char> part, SdpCryptoSuite? suite)
    {
        var power = part.StartsWith("2^", StringComparison.Ordinal);
        var digits = power ? part[2..] : part;
        if (digits.IsEmpty || digits.Length > 20 || CountWhile(digits, 0, char.IsAsciiDigit) != digits.Length) return false;
        if (!ulong.TryParse(digits, out var n)) return false;
        if (suite is null) return true;
        return power ? n <= 48 : n is > 0 and <= 1UL << 48;
    }

    /// <summary>mki = mki-value ":" mki-length, mki-length = 1*3DIGIT in 1..128 (§6.1).</summary>
    private static bool TryMki(ReadOnlySpan<char> part, int at, out int? mkiLength, out SdpCryptoParseError? error)
    {
        mkiLength = null;
        error = null;
        var colon = part.IndexOf(':');
        var mkiValue = part[..colon];
        var length = part[(colon + 1)..];
        if (mkiValue.IsEmpty || CountWhile(mkiValue, 0, char.IsAsciiDigit) != mkiValue.Length)
            return Fail(SdpCryptoErrorKind.BadMki, at, "the MKI value must be digits", out error);
        if (length.IsEmpty || length.Length > 3 || CountWhile(length, 0, char.IsAsciiDigit) != length.Length || int.Parse(length) is < 1 or > 128)
            return Fail(SdpCryptoErrorKind.BadMki, at + colon + 1, "the MKI length must be 1 to 128", out error);
        mkiLength = int.Parse(length);
        return true;
    }

    private static int CountWhile(ReadOnlySpan<char> value, int start, Func<char, bool> accept)
    {
        var n = 0;
        while (start + n < value.Length && accept(value[start + n])) n++;
        return n;
    }

    /// <summary>1*WSP; false when there is none.</summary>
    private static bool SkipSpace(ReadOnlySpan<char> value, ref int at)
    {
        var start = at;
        while (at < value.Length && value[at] is ' ' or '\t') at++;
        return at > start;
    }

    private static bool Fail(SdpCryptoErrorKind kind, int column, string message, out SdpCryptoParseError? error)
    {
        error = new SdpCryptoParseError(kind, column, message);
        return false;
    }
}
