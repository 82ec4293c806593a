namespace Gateway.Sip.Messages;

/// <summary>
/// A cursor over one header value (folding already collapsed) with the RFC 3261 §25.1 building blocks:
/// LWS skipping, tokens, quoted strings, separators with optional whitespace (SEMI, EQUAL, COMMA, SLASH).
/// </summary>
internal ref struct HeaderValueReader(ReadOnlySpan<char> text)
{
    private readonly ReadOnlySpan<char> _text = text;
    public int Position;

    public readonly bool AtEnd => Position >= _text.Length;
    public readonly char Current => _text[Position];
    public readonly ReadOnlySpan<char> Rest => _text[Position..];
    public readonly ReadOnlySpan<char> Slice(int start, int end) => _text[start..end];

    public void SkipWhitespace()
    {
        while (Position < _text.Length && SipGrammar.IsWhitespace(_text[Position])) Position++;
    }

    /// <summary>Consumes SWS c SWS (e.g. SEMI, EQUAL, COMMA, SLASH of §25.1) when c comes next.</summary>
    public bool TrySeparator(char c)
    {
        var save = Position;
        SkipWhitespace();
        if (Position < _text.Length && _text[Position] == c)
        {
            Position++;
            SkipWhitespace();
            return true;
        }
        Position = save;
        return false;
    }

    public bool TryToken(out ReadOnlySpan<char> token)
    {
        var start = Position;
        while (Position < _text.Length && SipGrammar.IsTokenChar(_text[Position])) Position++;
        token = _text[start..Position];
        return Position > start;
    }

    /// <summary>quoted-string = DQUOTE *(qdtext / quoted-pair) DQUOTE; returns it with its quotes.</summary>
    public bool TryQuotedString(out ReadOnlySpan<char> quoted)
    {
        quoted = default;
        if (AtEnd || _text[Position] != '"') return false;
        var start = Position++;
        while (Position < _text.Length)
        {
            var c = _text[Position];
            if (c == '\\')
            {
                // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
                if (Position + 1 >= _text.Length || _text[Position + 1] is '\r' or '\n') return false;
                Position += 2;
                continue;
            }
            if (c == '"')
            {
                Position++;
                quoted = _text[start..Position];
                return true;
            }
            if (c is '\r' or '\n' || (c < 0x20 && c != '\t')) return false;
            Position++;
        }
        Position = start;
        return false;
    }

    /// <summary>
    /// generic-param = token [ EQUAL gen-value ]; gen-value = token / host / quoted-string (§25.1).
    /// Reads parameters after a first SEMI until a COMMA or the end.
    /// </summary>
    public bool TryParameters(List<KeyValuePair<string, string?>> into)
    {
        while (TrySeparator(';'))
        {
            if (!TryToken(out var name)) return false;
            string? value = null;
            if (TrySeparator('='))
            {
                if (TryQuotedString(out var q)) value = q.ToString();
                else if (TryHostOrToken(out var v)) value = v.ToString();
                else return false;
            }
            into.Add(new(name.ToString(), value));
        }
        return true;
    }

    /// <summary>token or host (IPv6 reference in brackets, hostname, IPv4), as gen-value allows.</summary>
    public bool TryHostOrToken(out ReadOnlySpan<char> value)
    {
        value = default;
        var start = Position;
        if (!AtEnd && _text[Position] == '[')
        {
            var close = _text[Position..].IndexOf(']');
            if (close < 0) return false;
            Position += close + 1;
        }
        else
        {
            while (Position < _text.Length && (SipGrammar.IsTokenChar(_text[Position]) || _text[Position] == ':')) Position++;
        }
        value = _text[start..Position];
        return Position > start;
    }
}
