using System.Text;

namespace Gateway.Sip.Messages;

/// <summary>Request = Request-Line *( message-header ) CRLF [ message-body ] (RFC 3261 §7.1).</summary>
public sealed class SipRequest : SipMessage
{
    internal SipRequest(string method, SipUri requestUri, List<SipHeader> headers, ReadOnlyMemory<byte> body)
        : base(headers, body)
    {
        Method = method;
        RequestUri = requestUri;
    }

    public string Method { get; }
    public SipUri RequestUri { get; set; }

    /// <summary>A new request with no headers; the caller adds Via, From, To, Call-ID, CSeq, Max-Forwards (§8.1.1).</summary>
    public static SipRequest Create(string method, SipUri requestUri) => new(method, requestUri, [], ReadOnlyMemory<byte>.Empty);

    protected override void WriteStartLine(StringBuilder sb) => sb.Append(Method).Append(' ').Append(RequestUri).Append(" SIP/2.0");
}
