namespace Gateway.Sip.Messages;

/// <summary>
/// From, To, Contact, Route, Record-Route, Refer-To values (RFC 3261 §20):
/// ( name-addr / addr-spec ) *( SEMI param ); name-addr = [ display-name ] LAQUOT addr-spec RAQUOT.
/// </summary>
public sealed class NameAddress
{
    public NameAddress(SipUri uri, string? displayName = null, IReadOnlyList<KeyValuePair<string, string?>>? parameters = null)
    {
        Uri = uri;
        DisplayName = displayName;
        Parameters = parameters ?? [];
    }

    /// <summary>The display name as written: a quoted-string keeps its quotes, tokens are joined by single spaces.</summary>
    public string? DisplayName { get; }
    public SipUri Uri { get; }
    public IReadOnlyList<KeyValuePair<string, string?>> Parameters { get; }

    /// <summary>The tag parameter of From/To (§19.3).</summary>
    public string? Tag => GetParameter("tag");

    public string? GetParameter(string name)
    {
        foreach (var p in Parameters)
            if (p.Key.Equals(name, StringComparison.OrdinalIgnoreCase)) return p.Value ?? "";
        return null;
    }

    /// <summary>The display name without quotes and escapes, for showing to a person.</summary>
    public string? DisplayText
    {
        get
        {
            if (DisplayName is not { Length: > 0 } d) return DisplayName;
            if (d[0] != '"') return d;
            var sb = new System.Text.StringBuilder(d.Length);
            for (var i = 1; i < d.Length - 1; i++)
            {
                if (d[i] == '\\' && i + 1 < d.Length - 1) i++;
                sb.Append(d[i]);
            }
            return sb.ToString();
        }
    }

    /// <summary>A copy with the given tag, replacing any present (a UAS adds its To tag, §8.2.6.2).</summary>
    public NameAddress WithTag(string tag)
    {
        var list = new List<KeyValuePair<string, string?>>(Parameters.Count + 1);
        foreach (var p in Parameters)
            if (!p.Key.Equals("tag", StringComparison.OrdinalIgnoreCase)) list.Add(p);
        list.Add(new("tag", tag));
        return new NameAddress(Uri, DisplayName, list);
    }

    /// <summary>Serializes in name-addr form, which is always safe (§20.10).</summary>
    public override string ToString()
    {
        var s = DisplayName is { Length: > 0 } d ? d + " <" + Uri + ">" : "<" + Uri + ">";
        foreach (var p in Parameters) s += ";" + p.Key + (p.Value is null ? "" : "=" + p.Value);
        return s;
    }

    public static bool TryParse(string value, out NameAddress? address)
    {
        var reader = new HeaderValueReader(value);
        reader.SkipWhitespace();
        if (TryRead(ref reader, out address))
        {
            reader.SkipWhitespace();
            if (reader.AtEnd) return true;
        }
        address = null;
        return false;
    }

    /// <summary>Reads a comma-separated list (Contact, Route, Record-Route); an empty element is an error.</summary>
    public static bool TryParseList(string value, List<NameAddress> into)
    {
        var reader = new HeaderValueReader(value);
        reader.SkipWhitespace();
        while (true)
        {
            if (!TryRead(ref reader, out var a)) return false;
            into.Add(a!);
            reader.SkipWhitespace();
            if (reader.AtEnd) return true;
            if (!reader.TrySeparator(',')) return false;
        }
    }

    internal static bool TryRead(ref HeaderValueReader reader, out NameAddress? address)
    {
        address = null;
        string? display = null;
        var start = reader.Position;
        var isNameAddr = false;
        if (!reader.AtEnd && reader.Current == '"')
        {
            if (!reader.TryQuotedString(out var q)) return false;
            display = q.ToString();
            reader.SkipWhitespace();
            if (reader.AtEnd || reader.Current != '<') return false;
            isNameAddr = true;
        }
        else
        {
            // display-name = *(token LWS): look ahead for LAQUOT.
            var tokensEnd = start;
            while (true)
            {
                reader.SkipWhitespace();
                if (!reader.AtEnd && reader.Current == '<') { isNameAddr = true; break; }
                if (!reader.TryToken(out _)) break;
                tokensEnd = reader.Position;
            }
            if (isNameAddr)
            {
                var tokens = reader.Slice(start, tokensEnd).Trim();
                if (!tokens.IsEmpty) display = CollapseWhitespace(tokens);
            }
            else reader.Position = start;
        }

        SipUri? uri;
        if (isNameAddr)
        {
            reader.Position++; // LAQUOT
            var rest = reader.Rest;
            var close = rest.IndexOf('>');
            if (close < 0 || !SipUri.TryParse(rest[..close], out uri)) return false;
            reader.Position += close + 1;
        }
        else
        {
            // addr-spec: a URI with ',', '?' or ';' must be in name-addr form (§20.10), so it ends at any of them.
            var rest = reader.Rest;
            var end = rest.IndexOfAny(";, \t");
            var text = end < 0 ? rest : rest[..end];
            if (text.Contains('?') || !SipUri.TryParse(text, out uri)) return false;
            reader.Position += text.Length;
        }

        var parameters = new List<KeyValuePair<string, string?>>();
        if (!reader.TryParameters(parameters)) return false;
        address = new NameAddress(uri!, display, parameters);
        return true;
    }

    private static string CollapseWhitespace(ReadOnlySpan<char> s)
    {
        var sb = new System.Text.StringBuilder(s.Length);
        var space = false;
        foreach (var c in s)
        {
            if (SipGrammar.IsWhitespace(c)) { space = true; continue; }
            if (space && sb.Length > 0) sb.Append(' ');
            space = false;
            sb.Append(c);
        }
        return sb.ToString();
    }
}
