namespace Gateway.Dialplan;

/// <summary>How a call target was written.</summary>
public enum DialTargetForm
{
    /// <summary>A bare dial string or name ("+441632960000", "600", "alice").</summary>
    Plain,
    /// <summary>A sip: or sips: URI (RFC 3261 §19.1).</summary>
    SipUri,
    /// <summary>A tel: URI (RFC 3966).</summary>
    TelUri,
}

/// <summary>
/// One typed call target, whatever wrote it (a browser's dial string, a sip:/tel: URI, a Refer-To, a SIP caller's
/// Request-URI): the user part is what the dialplan routes, so <c>sip:+449...@anyhost</c> is the number +449... and meets
/// the same guards as the bare digits. The host a URI names is kept apart and reaches nothing unless a route opts in
/// (<c>allow_any_host</c>).
/// </summary>
public sealed record DialTarget(DialTargetForm Form, string User, string? Host, string Written)
{
    /// <summary>True for sip:/sips: URIs that name a host.</summary>
    public bool NamesHost => Form == DialTargetForm.SipUri && Host is { Length: > 0 };

    /// <summary>Never throws: anything that is not a URI is a plain target, trimmed.</summary>
    public static DialTarget Parse(string text)
    {
        var written = text.Trim();
        if (TryScheme(written, "sips:", out var rest) || TryScheme(written, "sip:", out rest)) return FromSip(rest, written);
        if (TryScheme(written, "tel:", out rest))
        {
            // RFC 3966 §3: telephone-subscriber = number *par; the parameters (;phone-context=, ;ext=) are not dialed.
            var number = Cut(rest, ';');
            return new DialTarget(DialTargetForm.TelUri, StripVisualSeparators(Unescape(number)), null, written);
        }
        return new DialTarget(DialTargetForm.Plain, written, null, written);
    }

    /// <summary>RFC 3261 §19.1.1: sip:user[:password]@host[:port][;params][?headers]; without '@' there is no user.</summary>
    private static DialTarget FromSip(string rest, string written)
    {
        var beforeHeaders = Cut(rest, '?');
        var at = beforeHeaders.LastIndexOf('@');
        var userInfo = at < 0 ? "" : beforeHeaders[..at];
        var hostPart = at < 0 ? beforeHeaders : beforeHeaders[(at + 1)..];
        // §19.1.1: user parameters (;isub=, ;postd= of a telephone-subscriber) and the password are not dialed.
        var user = Unescape(Cut(Cut(userInfo, ':'), ';'));
        if (IsPhoneNumber(StripVisualSeparators(user))) user = StripVisualSeparators(user);
        var host = HostOf(Cut(hostPart, ';'));
        return new DialTarget(DialTargetForm.SipUri, user, host.Length == 0 ? null : host.ToLowerInvariant(), written);
    }

    /// <summary>The host without its port; an IPv6 reference keeps its brackets.</summary>
    private static string HostOf(string hostPort)
    {
        if (hostPort.StartsWith('['))
        {
            var close = hostPort.IndexOf(']');
            return close < 0 ? hostPort : hostPort[..(close + 1)];
        }
        return Cut(hostPort, ':');
    }

    private static bool TryScheme(string text, string scheme, out string rest)
    {
        rest = text.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? text[scheme.Length..] : "";
        return rest.Length > 0 || text.Equals(scheme, StringComparison.OrdinalIgnoreCase);
    }

    private static string Cut(string s, char stop)
    {
        var i = s.IndexOf(stop);
        return i < 0 ? s : s[..i];
    }

    /// <summary>RFC 3986 §2.1 percent-decoding; a malformed escape is left as written (never throws).</summary>
    private static string Unescape(string s) => s.Contains('%') ? Uri.UnescapeDataString(s) : s;

    /// <summary>
    /// RFC 3966 §5.1.1: visual separators ('-', '.', '(', ')') carry no meaning and are removed; so is white space, which
    /// a trunk would drop too: the number the guards see is the number that is dialed.
    /// </summary>
    private static string StripVisualSeparators(string s) =>
        string.Concat(s.Where(c => c is not ('-' or '.' or '(' or ')') && !char.IsWhiteSpace(c)));

    /// <summary>Digits with an optional leading '+', '*' and '#' (RFC 3966 §3 phonedigit and dtmf-digit).</summary>
    private static bool IsPhoneNumber(string s) =>
        s.Length > 0 && s.Select((c, i) => c is (>= '0' and <= '9') or '*' or '#' || (c == '+' && i == 0)).All(ok => ok) && s.Any(char.IsAsciiDigit);
}
