namespace Gateway.Sip.Messages;

/// <summary>
/// A URI as used by SIP: sip:/sips: (RFC 3261 §19.1) parsed into parts, tel: (RFC 3966) with its number,
/// and any other absoluteURI kept opaque. <see cref="ToString"/> gives the text as received or built.
/// </summary>
/// <remarks>SIP-URI = "sip:" [ userinfo ] hostport uri-parameters [ headers ] (§25.1)</remarks>
public sealed class SipUri
{
    private static readonly IReadOnlyList<KeyValuePair<string, string?>> NoParameters = [];
    private readonly string _text;

    private SipUri(string text, string scheme)
    {
        _text = text;
        Scheme = scheme;
    }

    /// <summary>Lower-case scheme: "sip", "sips", "tel" or another.</summary>
    public string Scheme { get; }
    public bool IsSip => Scheme is "sip" or "sips";
    /// <summary>User part, still %-escaped as received (§19.1.4 compares it unescaped).</summary>
    public string? User { get; private init; }
    public string? Password { get; private init; }
    /// <summary>Host name, IPv4 address or IPv6 reference with brackets; for tel: the number.</summary>
    public string Host { get; private init; } = "";
    public int? Port { get; private init; }
    public IReadOnlyList<KeyValuePair<string, string?>> Parameters { get; private init; } = NoParameters;
    /// <summary>The headers component after '?', escaped, or null.</summary>
    public string? Headers { get; private init; }

    public string? GetParameter(string name)
    {
        foreach (var p in Parameters)
            if (p.Key.Equals(name, StringComparison.OrdinalIgnoreCase)) return p.Value ?? "";
        return null;
    }

    public bool HasParameter(string name) => GetParameter(name) is not null;

    public override string ToString() => _text;

    /// <summary>Builds a sip: or sips: URI.</summary>
    public static SipUri Create(string scheme, string? user, string host, int? port = null, params (string Name, string? Value)[] parameters)
    {
        var text = scheme + ":" + (user is null ? "" : user + "@") + host + (port is null ? "" : ":" + port);
        foreach (var (n, v) in parameters) text += ";" + n + (v is null ? "" : "=" + v);
        return TryParse(text, out var uri) ? uri! : throw new ArgumentException("invalid SIP URI: " + text);
    }

    public static SipUri Parse(string text) =>
        TryParse(text, out var uri) ? uri! : throw new FormatException("invalid URI: " + text);

    /// <summary>Parses a URI; never throws. Whitespace, angle brackets and quotes are never part of a URI.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out SipUri? uri)
    {
        uri = null;
        var colon = text.IndexOf(':');
        if (colon <= 0) return false;
        var scheme = text[..colon];
        if (!char.IsAsciiLetter(scheme[0])) return false;
        foreach (var c in scheme)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.')) return false;
        foreach (var c in text)
            if (c <= ' ' || c is '<' or '>' or '"' || c == 0x7f) return false;
        if (text.Length == colon + 1) return false;

        var lower = scheme.Equals("sip", StringComparison.OrdinalIgnoreCase) ? "sip"
            : scheme.Equals("sips", StringComparison.OrdinalIgnoreCase) ? "sips"
            : scheme.Equals("tel", StringComparison.OrdinalIgnoreCase) ? "tel"
            : scheme.ToString().ToLowerInvariant();
        var rest = text[(colon + 1)..];
        if (lower is "sip" or "sips") return TryParseSip(text.ToString(), lower, rest, out uri);
        if (lower == "tel")
        {
            var semi = rest.IndexOf(';');
            var number = semi < 0 ? rest : rest[..semi];
            if (number.IsEmpty) return false;
            var parameters = new List<KeyValuePair<string, string?>>();
            if (semi >= 0 && !TryParseUriParameters(rest[semi..], parameters)) return false;
            uri = new SipUri(text.ToString(), lower) { Host = number.ToString(), Parameters = parameters };
            return true;
        }
        uri = new SipUri(text.ToString(), lower) { Host = rest.ToString() };
        return true;
    }

    private static bool TryParseSip(string text, string scheme, ReadOnlySpan<char> rest, out SipUri? uri)
    {
        uri = null;
        string? user = null, password = null;
        var at = rest.IndexOf('@');
        if (at >= 0)
        {
            var userinfo = rest[..at];
            if (userinfo.IsEmpty) return false;
            var pc = userinfo.IndexOf(':');
            user = (pc < 0 ? userinfo : userinfo[..pc]).ToString();
            if (user.Length == 0) return false;
            if (pc >= 0) password = userinfo[(pc + 1)..].ToString();
            rest = rest[(at + 1)..];
        }

        // hostport = host [ ":" port ]; host = hostname / IPv4address / IPv6reference
        int hostEnd;
        if (rest.Length > 0 && rest[0] == '[')
        {
            hostEnd = rest.IndexOf(']') + 1;
            if (hostEnd <= 2) return false;
            foreach (var c in rest[1..(hostEnd - 1)])
                if (!(char.IsAsciiHexDigit(c) || c is ':' or '.')) return false;
        }
        else
        {
            hostEnd = 0;
            while (hostEnd < rest.Length && (char.IsAsciiLetterOrDigit(rest[hostEnd]) || rest[hostEnd] is '-' or '.' or '_')) hostEnd++;
            if (hostEnd == 0) return false;
        }
        var host = rest[..hostEnd].ToString();
        rest = rest[hostEnd..];
        int? port = null;
        if (rest.Length > 0 && rest[0] == ':')
        {
            var end = 1;
            while (end < rest.Length && char.IsAsciiDigit(rest[end])) end++;
            if (!SipGrammar.TryParseBounded(rest[1..end], 65535, out var p)) return false;
            port = (int)p;
            rest = rest[end..];
        }

        string? headers = null;
        var q = rest.IndexOf('?');
        if (q >= 0)
        {
            headers = rest[(q + 1)..].ToString();
            if (headers.Length == 0) return false;
            rest = rest[..q];
        }
        var parameters = new List<KeyValuePair<string, string?>>();
        if (!rest.IsEmpty && (rest[0] != ';' || !TryParseUriParameters(rest, parameters))) return false;

        uri = new SipUri(text, scheme)
        {
            User = user, Password = password, Host = host, Port = port, Headers = headers,
            Parameters = parameters.Count == 0 ? NoParameters : parameters,
        };
        return true;
    }

    /// <summary>uri-parameters = *( ";" uri-parameter ); uri-parameter = pname [ "=" pvalue ] (§25.1).</summary>
    private static bool TryParseUriParameters(ReadOnlySpan<char> s, List<KeyValuePair<string, string?>> into)
    {
        while (!s.IsEmpty)
        {
            if (s[0] != ';') return false;
            s = s[1..];
            var end = s.IndexOf(';');
            var item = end < 0 ? s : s[..end];
            s = end < 0 ? default : s[end..];
            var eq = item.IndexOf('=');
            var name = eq < 0 ? item : item[..eq];
            if (name.IsEmpty) return false;
            into.Add(new(name.ToString(), eq < 0 ? null : item[(eq + 1)..].ToString()));
        }
        return true;
    }
}
