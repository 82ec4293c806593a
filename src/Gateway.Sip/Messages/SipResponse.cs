using System.Text;

namespace Gateway.Sip.Messages;

/// <summary>Response = Status-Line *( message-header ) CRLF [ message-body ] (RFC 3261 §7.2).</summary>
public sealed class SipResponse : SipMessage
{
    internal SipResponse(int statusCode, string reasonPhrase, List<SipHeader> headers, ReadOnlyMemory<byte> body)
        : base(headers, body)
    {
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
    }

    public int StatusCode { get; }
    public string ReasonPhrase { get; }
    public bool IsProvisional => StatusCode < 200;
    public bool IsSuccess => StatusCode is >= 200 and < 300;

    /// <summary>
    /// Builds a response to a request: Via (all, in order), From, To, Call-ID and CSeq copied (§8.2.6.2);
    /// a To tag is added when given and the request had none.
    /// </summary>
    public static SipResponse CreateFor(SipRequest request, int statusCode, string? reasonPhrase = null, string? toTag = null)
    {
        var headers = new List<SipHeader>(8);
        foreach (var h in request.Headers)
        {
            if (h.Name is SipHeaderNames.Via or SipHeaderNames.From or SipHeaderNames.CallId or SipHeaderNames.CSeq)
                headers.Add(h);
            else if (h.Name == SipHeaderNames.To)
                headers.Add(toTag is not null && request.To is { Tag: null } to ? new SipHeader(h.Name, to.WithTag(toTag).ToString()) : h);
        }
        return new SipResponse(statusCode, reasonPhrase ?? SipStatus.ReasonPhrase(statusCode), headers, ReadOnlyMemory<byte>.Empty);
    }

    protected override void WriteStartLine(StringBuilder sb) => sb.Append("SIP/2.0 ").Append(StatusCode).Append(' ').Append(ReasonPhrase);
}
