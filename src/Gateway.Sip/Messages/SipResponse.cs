using System.Text;

namespace Gateway.Sip.Messages;

/// <summary>Response = Status-Line *( message-header ) CRLF [ message-body ] (RFC 3261 §7.2).</summary>
public sealed class SipResponse : SipMessage
{
    private readonly byte[]? _raw;
    private readonly Range _reasonRange;
    private string? _reasonPhrase;

    internal SipResponse(int statusCode, string reasonPhrase, List<SipHeader> headers, ReadOnlyMemory<byte> body)
        : base(headers, body)
    {
        StatusCode = statusCode;
        _reasonPhrase = reasonPhrase;
    }

    internal SipResponse(int statusCode, Range reasonRange, byte[] raw, HeaderEntry[] entries, int count, ReadOnlyMemory<byte> body)
        : base(raw, entries, count, body)
    {
        StatusCode = statusCode;
        _raw = raw;
        _reasonRange = reasonRange;
    }

    public int StatusCode { get; }
    public string ReasonPhrase => _reasonPhrase ??= Encoding.UTF8.GetString(_raw.AsSpan()[_reasonRange]);
    public bool IsProvisional => StatusCode < 200;
    public bool IsSuccess => StatusCode is >= 200 and < 300;

    /// <summary>
    /// Builds a response to a request: Via (all, in order), From, To, Call-ID and CSeq copied (§8.2.6.2);
    /// a To tag is added when given and the request had none.
    /// </summary>
    public static SipResponse CreateFor(SipRequest request, int statusCode, string? reasonPhrase = null, string? toTag = null)
    {
        var headers = new List<SipHeader>(8);
        // §12.1.1: a response that can establish a dialog (101-299 to a request outside one) carries the request's
        // Record-Route values, in order, so the proxies that recorded the route stay on it.
        var establishes = statusCode is > 100 and < 300 && request.To is { Tag: null };
        for (var i = 0; i < request.HeaderCount; i++)
        {
            var name = request.NameAt(i);
            if (name is SipHeaderNames.Via or SipHeaderNames.From or SipHeaderNames.CallId or SipHeaderNames.CSeq
                || (establishes && name == SipHeaderNames.RecordRoute))
                headers.Add(new SipHeader(name, request.ValueAt(i)));
            else if (name == SipHeaderNames.To)
                headers.Add(new SipHeader(name, toTag is not null && request.To is { Tag: null } to ? to.WithTag(toTag).ToString() : request.ValueAt(i)));
        }
        return new SipResponse(statusCode, reasonPhrase ?? SipStatus.ReasonPhrase(statusCode), headers, ReadOnlyMemory<byte>.Empty);
    }

    protected override void WriteStartLine(StringBuilder sb) => sb.Append("SIP/2.0 ").Append(StatusCode).Append(' ').Append(ReasonPhrase);
}
