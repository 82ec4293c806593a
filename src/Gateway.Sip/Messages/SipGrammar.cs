namespace Gateway.Sip.Messages;

/// <summary>Character classes of the RFC 3261 §25.1 ABNF.</summary>
internal static class SipGrammar
{
    /// <summary>token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")</summary>
    public static bool IsTokenChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '!' or '%' or '*' or '_' or '+' or '`' or '\'' or '~';

    public static bool IsToken(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty) return false;
        foreach (var c in s)
            if (!IsTokenChar(c)) return false;
        return true;
    }

    public static bool IsToken(ReadOnlySpan<byte> s)
    {
        if (s.IsEmpty) return false;
        foreach (var b in s)
            if (!IsTokenChar((char)b)) return false;
        return true;
    }

    /// <summary>word = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" / "(" / ")" / "&lt;" / "&gt;" / ":" / "\" / DQUOTE / "/" / "[" / "]" / "?" / "{" / "}")</summary>
    public static bool IsWordChar(char c) =>
        IsTokenChar(c) || c is '(' or ')' or '<' or '>' or ':' or '\\' or '"' or '/' or '[' or ']' or '?' or '{' or '}';

    public static bool IsWhitespace(char c) => c is ' ' or '\t';

    public static bool IsDigits(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty) return false;
        foreach (var c in s)
            if (!char.IsAsciiDigit(c)) return false;
        return true;
    }

    /// <summary>Parses 1*DIGIT into a value no larger than <paramref name="max"/> (leading zeros allowed).</summary>
    public static bool TryParseBounded(ReadOnlySpan<char> s, ulong max, out ulong value)
    {
        value = 0;
        if (!IsDigits(s)) return false;
        foreach (var c in s)
        {
            value = value * 10 + (ulong)(c - '0');
            if (value > max) return false;
        }
        return true;
    }
}
