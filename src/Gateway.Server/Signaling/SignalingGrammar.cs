using Gateway.Sip.Messages;

namespace Gateway.Server.Signaling;

/// <summary>Lexical rules of protocol.md fields.</summary>
internal static class SignalingGrammar
{
    public const int MaxIdLength = 64;
    public const int MaxUserLength = 64;
    public const int MaxRoomLength = 64;
    public const int MaxDialStringLength = 64;
    public const int MaxUriLength = 256;

    /// <summary>User name: [a-z][a-z0-9._-]*, at most 64 characters.</summary>
    public static bool IsUserName(ReadOnlySpan<char> s)
    {
        if (s.Length is 0 or > MaxUserLength || s[0] is < 'a' or > 'z') return false;
        foreach (var c in s)
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-')) return false;
        return true;
    }

    /// <summary>Call, room and peer ids: 1..64 visible ASCII characters.</summary>
    public static bool IsToken(ReadOnlySpan<char> s, int maxLength)
    {
        if (s.Length == 0 || s.Length > maxLength) return false;
        foreach (var c in s)
            if (c is < '!' or > '~') return false;
        return true;
    }

    /// <summary>Dial string: digits, '+', '*', '#'.</summary>
    public static bool IsDialString(ReadOnlySpan<char> s)
    {
        if (s.Length is 0 or > MaxDialStringLength) return false;
        foreach (var c in s)
            if (c is not ((>= '0' and <= '9') or '+' or '*' or '#')) return false;
        return true;
    }

    /// <summary>A call target: a dial string, a sip:/sips: URI (RFC 3261 §19.1), a tel: URI (RFC 3966) or a web user name.</summary>
    public static bool IsCallTarget(string s, out string error)
    {
        error = "";
        if (s.StartsWith("sip:", StringComparison.OrdinalIgnoreCase) || s.StartsWith("sips:", StringComparison.OrdinalIgnoreCase))
        {
            if (s.Length <= MaxUriLength && SipUri.TryParse(s, out var uri) && uri!.IsSip) return true;
            error = $"'to' is not a valid sip:/sips: URI (at most {MaxUriLength} characters)";
            return false;
        }
        if (s.StartsWith("tel:", StringComparison.OrdinalIgnoreCase))
        {
            // RFC 3966 §3: a telephone number; the dialplan reads it as the digits it holds.
            if (s.Length <= MaxUriLength && s.Length > 4 && s.AsSpan(4).IndexOfAny("<>\"\r\n ") < 0) return true;
            error = $"'to' is not a valid tel: URI (at most {MaxUriLength} characters)";
            return false;
        }
        if (IsDialString(s) || IsUserName(s)) return true;
        error = $"'to' must be a dial string (digits, +, *, #; at most {MaxDialStringLength}), a sip:/sips: URI or a user name [a-z][a-z0-9._-]*";
        return false;
    }

    /// <summary>DTMF digits (RFC 4733 §3.2 events 0-15): 0-9 * # A-D; lower-case a-d are accepted and upper-cased.</summary>
    public static bool TryNormalizeDigits(string s, out string digits)
    {
        digits = s;
        if (s.Length is 0 or > 64) return false;
        var upper = false;
        foreach (var c in s)
        {
            if (c is (>= '0' and <= '9') or '*' or '#' or (>= 'A' and <= 'D')) continue;
            if (c is >= 'a' and <= 'd') { upper = true; continue; }
            return false;
        }
        if (upper) digits = s.ToUpperInvariant();
        return true;
    }
}
