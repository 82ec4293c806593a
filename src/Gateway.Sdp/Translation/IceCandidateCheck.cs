namespace Gateway.Sdp.Translation;

/// <summary>
/// The grammar of a trickled candidate (RFC 8839 §5.1, the value of a=candidate, with or without "candidate:"):
/// <code>
/// candidate-attribute = "candidate" ":" foundation SP component-id SP transport SP priority SP
///                       connection-address SP port SP "typ" SP cand-type *(SP extension-att-name SP extension-att-value)
/// foundation = 1*32ice-char ; component-id = 1*3DIGIT ; priority = 1*10DIGIT ; port = 1*5DIGIT (0..65535)
/// cand-type  = "host" / "srflx" / "prflx" / "relay" / token
/// </code>
/// Never throws; a malformed candidate is named by the field that breaks the grammar.
/// </summary>
public static class IceCandidateCheck
{
    /// <summary>Null when <paramref name="candidate"/> is a well-formed candidate; else what is wrong.</summary>
    public static string? Check(string candidate)
    {
        var text = candidate.StartsWith("candidate:", StringComparison.Ordinal) ? candidate["candidate:".Length..] : candidate;
        var fields = text.Split(' ');
        if (fields.Length < 8) return $"a candidate has at least 8 fields (foundation component transport priority address port typ type), found {fields.Length}";
        if (fields[0].Length is 0 or > 32 || !fields[0].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/'))
            return "candidate foundation must be 1 to 32 of A-Z a-z 0-9 + /";
        if (!IsNumber(fields[1], 3, 1, 256)) return "candidate component-id must be a number from 1 to 256";
        if (fields[2].Length == 0 || !fields[2].All(IsTokenChar)) return "candidate transport must be a token such as udp";
        if (!IsNumber(fields[3], 10, 0, uint.MaxValue)) return "candidate priority must be a number from 0 to 4294967295";
        if (fields[4].Length is 0 or > 255 || !fields[4].All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or ':' or '-' or '_'))
            return "candidate connection-address must be an IP address or a host name";
        if (!IsNumber(fields[5], 5, 0, 65535)) return "candidate port must be a number from 0 to 65535";
        if (fields[6] != "typ") return "candidate must have 'typ' after the port";
        if (fields[7].Length == 0 || !fields[7].All(IsTokenChar)) return "candidate type must be host, srflx, prflx or relay";
        return fields.Skip(8).Any(f => f.Length == 0) ? "candidate extension attributes must be separated by single spaces" : null;
    }

    private static bool IsNumber(string s, int maxDigits, long min, long max) =>
        s.Length > 0 && s.Length <= maxDigits && s.All(char.IsAsciiDigit) && long.Parse(s) is var n && n >= min && n <= max;

    /// <summary>RFC 8866 §9 token-char.</summary>
    private static bool IsTokenChar(char c) => c is > ' ' and < '\x7f' && c is not ('"' or '(' or ')' or ',' or '/' or ':' or ';' or '<' or '=' or '>' or '?' or '@' or '[' or '\\' or ']' or '{' or '}');
}
