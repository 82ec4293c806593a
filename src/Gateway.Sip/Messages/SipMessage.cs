using System.Buffers;
using System.Text;

namespace Gateway.Sip.Messages;

/// <summary>
/// A SIP request or response (RFC 3261 §7): start line, ordered header fields, body.
/// A parsed message keeps its received bytes once and decodes header values and typed headers only when
/// they are read; a built or modified message holds its headers as a list. Typed hot headers (Via, From,
/// To, CSeq, Contact, Route...) are parsed together on first use and cached.
/// </summary>
public abstract class SipMessage
{
    private readonly byte[]? _raw;
    private HeaderEntry[]? _entries;
    private readonly int _entryCount;
    private List<SipHeader>? _headers;
    private ParsedHeaders? _parsed;
    private SipParseError? _typedError;

    protected SipMessage(List<SipHeader> headers, ReadOnlyMemory<byte> body)
    {
        _headers = headers;
        Body = body;
    }

    private protected SipMessage(byte[] raw, HeaderEntry[] entries, int entryCount, ReadOnlyMemory<byte> body)
    {
        _raw = raw;
        _entries = entries;
        _entryCount = entryCount;
        Body = body;
    }

    /// <summary>All header fields in order. On a parsed message this decodes every value once.</summary>
    public IReadOnlyList<SipHeader> Headers => Materialize();
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

    /// <summary>The first malformed typed header, if any (checked by <see cref="SipMessageValidator"/>).</summary>
    internal SipParseError? TypedHeaderError
    {
        get
        {
            _ = Parsed;
            return _typedError;
        }
    }

    internal int HeaderCount => _headers?.Count ?? _entryCount;

    internal string NameAt(int i)
    {
        if (_headers is { } list) return list[i].Name;
        ref var e = ref _entries![i];
        return e.Name ??= Encoding.ASCII.GetString(_raw!, e.NameStart, e.NameLength);
    }

    internal string ValueAt(int i)
    {
        if (_headers is { } list) return list[i].Value;
        ref var e = ref _entries![i];
        return e.Value ??= DecodeValue(_raw.AsSpan(e.ValueStart, e.ValueLength), e.Folded);
    }

    /// <summary>The first value of a header (names are case-insensitive, compact forms accepted).</summary>
    public string? GetHeader(string name)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        for (var i = 0; i < HeaderCount; i++)
            if (SipHeaderNames.NameEquals(canonical, NameAt(i))) return ValueAt(i);
        return null;
    }

    public IEnumerable<string> GetHeaders(string name)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        for (var i = 0; i < HeaderCount; i++)
            if (SipHeaderNames.NameEquals(canonical, NameAt(i))) yield return ValueAt(i);
    }

    public int CountHeaders(string name)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        var n = 0;
        for (var i = 0; i < HeaderCount; i++)
            if (SipHeaderNames.NameEquals(canonical, NameAt(i))) n++;
        return n;
    }

    public void AddHeader(string name, string value)
    {
        Materialize().Add(new SipHeader(SipHeaderNames.Canonicalize(name), value));
        _parsed = null;
    }

    /// <summary>Inserts a header before all others of its name (a proxy's Via or Route, §16.6).</summary>
    public void PrependHeader(string name, string value)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        var list = Materialize();
        var index = list.FindIndex(h => SipHeaderNames.NameEquals(canonical, h.Name));
        list.Insert(index < 0 ? list.Count : index, new SipHeader(canonical, value));
        _parsed = null;
    }

    /// <summary>Replaces every value of a header with one value, in the place of the first.</summary>
    public void SetHeader(string name, string value)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        var list = Materialize();
        var index = list.FindIndex(h => SipHeaderNames.NameEquals(canonical, h.Name));
        list.RemoveAll(h => SipHeaderNames.NameEquals(canonical, h.Name));
        list.Insert(index < 0 ? list.Count : Math.Min(index, list.Count), new SipHeader(canonical, value));
        _parsed = null;
    }

    /// <summary>Replaces the value of the first header of that name in place; false when there is none.</summary>
    public bool ReplaceFirstHeader(string name, string value)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        var list = Materialize();
        var index = list.FindIndex(h => SipHeaderNames.NameEquals(canonical, h.Name));
        if (index < 0) return false;
        list[index] = new SipHeader(canonical, value);
        _parsed = null;
        return true;
    }

    public int RemoveHeader(string name)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        _parsed = null;
        return Materialize().RemoveAll(h => SipHeaderNames.NameEquals(canonical, h.Name));
    }

    /// <summary>Parses a message from one datagram or one framed stream message; never throws on any input.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out SipMessage? message, out SipParseError? error) =>
        SipMessageParser.TryParse(data, SipMessageParser.DefaultMaxMessageSize, out message, out error);

    /// <summary>Writes the start line (without CRLF).</summary>
    protected abstract void WriteStartLine(StringBuilder sb);

    /// <summary>Serializes the message; Content-Length always states the body's length (§20.14).</summary>
    public void WriteTo(IBufferWriter<byte> writer)
    {
        var sb = new StringBuilder(256 + HeaderCount * 48);
        WriteStartLine(sb);
        sb.Append("\r\n");
        for (var i = 0; i < HeaderCount; i++)
        {
            var name = NameAt(i);
            if (name == SipHeaderNames.ContentLength) continue;
            sb.Append(name).Append(": ").Append(ValueAt(i)).Append("\r\n");
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

    private ParsedHeaders Parsed => _parsed ??= ParsedHeaders.Parse(this, out _typedError);

    private List<SipHeader> Materialize()
    {
        if (_headers is { } list) return list;
        list = new List<SipHeader>(_entryCount + 4);
        for (var i = 0; i < _entryCount; i++) list.Add(new SipHeader(NameAt(i), ValueAt(i)));
        _headers = list;
        _entries = null;
        return list;
    }

    /// <summary>Decodes a header value; folded lines are joined with single spaces (§7.3.1).</summary>
    private static string DecodeValue(ReadOnlySpan<byte> bytes, bool folded)
    {
        if (!folded) return Encoding.UTF8.GetString(bytes);
        var sb = new StringBuilder(bytes.Length);
        foreach (var range in bytes.Split((byte)'\n'))
        {
            var line = bytes[range].Trim(" \t\r"u8);
            if (line.IsEmpty) continue;
            if (sb.Length > 0) sb.Append(' ');
            sb.Append(Encoding.UTF8.GetString(line));
        }
        return sb.ToString();
    }
}
