using System.Buffers;
using System.Text;

namespace Gateway.Sip.Messages;

/// <summary>
/// A SIP request or response (RFC 3261 §7): start line, ordered header fields, body.
/// Hot headers are available typed (parsed once, then cached); all headers are kept in order as text.
/// </summary>
public abstract class SipMessage
{
    private readonly List<SipHeader> _headers;
    private ParsedHeaders? _parsed;

    protected SipMessage(List<SipHeader> headers, ReadOnlyMemory<byte> body)
    {
        _headers = headers;
        Body = body;
    }

    public IReadOnlyList<SipHeader> Headers => _headers;
    public ReadOnlyMemory<byte> Body { get; set; }

    public IReadOnlyList<SipVia> Vias => Parsed.Vias;
    public SipVia? TopVia => Parsed.Vias.Count > 0 ? Parsed.Vias[0] : null;
    public NameAddress? From => Parsed.From;
    public NameAddress? To => Parsed.To;
    public string? CallId => GetHeader(SipHeaderNames.CallId);
    public CSeqValue? CSeq => Parsed.CSeq;
    public IReadOnlyList<NameAddress> Contacts => Parsed.Contacts;
    /// <summary>Contact: * (only in REGISTER, §10.2.2).</summary>
    public bool IsContactWildcard => Parsed.ContactWildcard;
    public IReadOnlyList<NameAddress> Routes => Parsed.Routes;
    public IReadOnlyList<NameAddress> RecordRoutes => Parsed.RecordRoutes;
    public int? MaxForwards => Parsed.MaxForwards;
    public uint? Expires => Parsed.Expires;
    public string? ContentType => GetHeader(SipHeaderNames.ContentType);

    /// <summary>The first value of a header (names are case-insensitive, compact forms accepted).</summary>
    public string? GetHeader(string name)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        foreach (var h in _headers)
            if (SipHeaderNames.NameEquals(canonical, h.Name)) return h.Value;
        return null;
    }

    public IEnumerable<string> GetHeaders(string name)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        foreach (var h in _headers)
            if (SipHeaderNames.NameEquals(canonical, h.Name)) yield return h.Value;
    }

    public int CountHeaders(string name)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        var n = 0;
        foreach (var h in _headers)
            if (SipHeaderNames.NameEquals(canonical, h.Name)) n++;
        return n;
    }

    public void AddHeader(string name, string value)
    {
        _headers.Add(new SipHeader(SipHeaderNames.Canonicalize(name), value));
        _parsed = null;
    }

    /// <summary>Inserts a header before all others of its name (a proxy's Via or Route, §16.6).</summary>
    public void PrependHeader(string name, string value)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        var index = _headers.FindIndex(h => SipHeaderNames.NameEquals(canonical, h.Name));
        _headers.Insert(index < 0 ? _headers.Count : index, new SipHeader(canonical, value));
        _parsed = null;
    }

    /// <summary>Replaces every value of a header with one value, in the place of the first.</summary>
    public void SetHeader(string name, string value)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        var index = _headers.FindIndex(h => SipHeaderNames.NameEquals(canonical, h.Name));
        RemoveHeader(canonical);
        _headers.Insert(index < 0 ? _headers.Count : index, new SipHeader(canonical, value));
        _parsed = null;
    }

    /// <summary>Replaces the value of the first header of that name in place; false when there is none.</summary>
    public bool ReplaceFirstHeader(string name, string value)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        var index = _headers.FindIndex(h => SipHeaderNames.NameEquals(canonical, h.Name));
        if (index < 0) return false;
        _headers[index] = new SipHeader(canonical, value);
        _parsed = null;
        return true;
    }

    public int RemoveHeader(string name)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        _parsed = null;
        return _headers.RemoveAll(h => SipHeaderNames.NameEquals(canonical, h.Name));
    }

    /// <summary>Parses a message from one datagram or one framed stream message; never throws on any input.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out SipMessage? message, out SipParseError? error) =>
        SipMessageParser.TryParse(data, SipMessageParser.DefaultMaxMessageSize, out message, out error);

    /// <summary>Writes the start line (without CRLF).</summary>
    protected abstract void WriteStartLine(StringBuilder sb);

    /// <summary>Serializes the message; Content-Length always states the body's length (§20.14).</summary>
    public void WriteTo(IBufferWriter<byte> writer)
    {
        var sb = new StringBuilder(256 + _headers.Count * 48);
        WriteStartLine(sb);
        sb.Append("\r\n");
        foreach (var h in _headers)
        {
            if (h.Name == SipHeaderNames.ContentLength) continue;
            sb.Append(h.Name).Append(": ").Append(h.Value).Append("\r\n");
        }
        sb.Append(SipHeaderNames.ContentLength).Append(": ").Append(Body.Length).Append("\r\n\r\n");
        foreach (var chunk in sb.GetChunks())
        {
            var span = writer.GetSpan(Encoding.UTF8.GetMaxByteCount(chunk.Length));
            writer.Advance(Encoding.UTF8.GetBytes(chunk.Span, span));
        }
        if (!Body.IsEmpty) writer.Write(Body.Span);
    }

    public byte[] ToArray()
    {
        var writer = new ArrayBufferWriter<byte>(512 + Body.Length);
        WriteTo(writer);
        return writer.WrittenSpan.ToArray();
    }

    public override string ToString() => Encoding.UTF8.GetString(ToArray());

    private ParsedHeaders Parsed => _parsed ??= ParsedHeaders.Parse(_headers, out _);

    /// <summary>Parses the typed headers now; used by the parser to refuse malformed messages.</summary>
    internal SipParseError? ValidateTypedHeaders()
    {
        _parsed = ParsedHeaders.Parse(_headers, out var error);
        return error;
    }
}
