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
        if (!TryScan(text, out var kind, out var layout)) return false;
        var rest = text[(text.IndexOf(':') + 1)..];
        switch (kind)
        {
            case UriKind.Sip or UriKind.Sips:
                var parameters = new List<KeyValuePair<string, string?>>();
                if (!rest[layout.Parameters].IsEmpty && !TryParseUriParameters(rest[layout.Parameters], parameters)) return false;
                uri = new SipUri(text.ToString(), kind == UriKind.Sip ? "sip" : "sips")
                {
                    User = layout.User is { } u ? rest[u].ToString() : null,
                    Password = layout.Password is { } pw ? rest[pw].ToString() : null,
                    Host = rest[layout.Host].ToString(),
                    Port = layout.Port,
                    Headers = layout.Headers is { } h ? rest[h].ToString() : null,
                    Parameters = parameters.Count == 0 ? NoParameters : parameters,
                };
                return true;
            case UriKind.Tel:
                var semi = rest.IndexOf(';');
                var telParameters = new List<KeyValuePair<string, string?>>();
                if (semi >= 0 && !TryParseUriParameters(rest[semi..], telParameters)) return false;
                uri = new SipUri(text.ToString(), "tel") { Host = (semi < 0 ? rest : rest[..semi]).ToString(), Parameters = telParameters };
                return true;
            default:
                uri = new SipUri(text.ToString(), text[..text.IndexOf(':')].ToString().ToLowerInvariant()) { Host = rest.ToString() };
                return true;
        }
    }

    /// <summary>Checks a Request-URI without allocating (§19.1.1 table 1: a SIP Request-URI carries no headers).</summary>
    internal static bool IsValidRequestUri(ReadOnlySpan<char> text) =>
        TryScan(text, out var kind, out var layout) && (kind is not (UriKind.Sip or UriKind.Sips) || layout.Headers is null);

    private enum UriKind { Sip, Sips, Tel, Other }

    /// <summary>Where the parts of a SIP URI lie, relative to the text after the scheme's colon.</summary>
    private struct SipLayout
    {
        public Range? User, Password, Headers;
        public Range Host, Parameters;
        public int? Port;
    }

    /// <summary>The grammar of §25.1 checked over a span: scheme, then for sip/sips userinfo, hostport, parameters, headers.</summary>
    private static bool TryScan(ReadOnlySpan<char> text, out UriKind kind, out SipLayout layout)
    {
        kind = UriKind.Other;
        layout = default;
        var colon = text.IndexOf(':');
        if (colon <= 0 || text.Length == colon + 1) return false;
        var scheme = text[..colon];
        if (!char.IsAsciiLetter(scheme[0])) return false;
        foreach (var c in scheme)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.')) return false;
        foreach (var c in text)
            if (c <= ' ' || c is '<' or '>' or '"' || c == 0x7f) return false;

        kind = scheme.Equals("sip", StringComparison.OrdinalIgnoreCase) ? UriKind.Sip
            : scheme.Equals("sips", StringComparison.OrdinalIgnoreCase) ? UriKind.Sips
            : scheme.Equals("tel", StringComparison.OrdinalIgnoreCase) ? UriKind.Tel
            : UriKind.Other;
        var rest = text[(colon + 1)..];
        if (kind == UriKind.Tel) return rest[0] != ';';
        if (kind == UriKind.Other) return true;

        var offset = 0;
        var at = rest.IndexOf('@');
        if (at >= 0)
        {
            var userinfo = rest[..at];
            var pc = userinfo.IndexOf(':');
            var userLength = pc < 0 ? userinfo.Length : pc;
            if (userLength == 0) return false;
            layout.User = 0..userLength;
            if (pc >= 0) layout.Password = (pc + 1)..at;
            offset = at + 1;
        }

        // hostport = host [ ":" port ]; host = hostname / IPv4address / IPv6reference
        var hostEnd = offset;
        if (hostEnd < rest.Length && rest[hostEnd] == '[')
        {
            var close = rest[hostEnd..].IndexOf(']');
            if (close <= 1) return false;
            foreach (var c in rest[(hostEnd + 1)..(hostEnd + close)])
                if (!(char.IsAsciiHexDigit(c) || c is ':' or '.')) return false;
            hostEnd += close + 1;
        }
        else
        {
            while (hostEnd < rest.Length && (char.IsAsciiLetterOrDigit(rest[hostEnd]) || rest[hostEnd] is '-' or '.' or '_')) hostEnd++;
            if (hostEnd == offset) return false;
        }
        layout.Host = offset..hostEnd;
        offset = hostEnd;
        if (offset < rest.Length && rest[offset] == ':')
        {
            var end = offset + 1;
            while (end < rest.Length && char.IsAsciiDigit(rest[end])) end++;
            if (!SipGrammar.TryParseBounded(rest[(offset + 1)..end], 65535, out var p)) return false;
            layout.Port = (int)p;
            offset = end;
        }

        var q = rest[offset..].IndexOf('?');
        var paramsEnd = q < 0 ? rest.Length : offset + q;
        if (q >= 0)
        {
            if (paramsEnd + 1 == rest.Length) return false;
            layout.Headers = (paramsEnd + 1)..rest.Length;
        }
        layout.Parameters = offset..paramsEnd;
        var parameters = rest[layout.Parameters];
        if (parameters.IsEmpty) return true;
        if (parameters[0] != ';') return false;
        // Every uri-parameter needs a name (§25.1).
        for (var i = 0; i < parameters.Length; i++)
            if (parameters[i] == ';' && (i + 1 == parameters.Length || parameters[i + 1] is ';' or '=')) return false;
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
