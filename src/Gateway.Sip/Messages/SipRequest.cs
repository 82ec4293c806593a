using System.Text;

namespace Gateway.Sip.Messages;

/// <summary>Request = Request-Line *( message-header ) CRLF [ message-body ] (RFC 3261 §7.1).</summary>
public sealed class SipRequest : SipMessage
{
    private readonly string? _requestUriText;
    private SipUri? _requestUri;

    internal SipRequest(string method, SipUri requestUri, List<SipHeader> headers, ReadOnlyMemory<byte> body)
        : base(headers, body)
    {
        Method = method;
        _requestUri = requestUri;
    }

    /// <summary>A parsed request; the Request-URI was validated and is built into a <see cref="SipUri"/> on first use.</summary>
    internal SipRequest(string method, string requestUriText, byte[] raw, HeaderEntry[] entries, int count, ReadOnlyMemory<byte> body)
        : base(raw, entries, count, body)
    {
        Method = method;
        _requestUriText = requestUriText;
    }

    public string Method { get; }

    public SipUri RequestUri
    {
        get => _requestUri ??= SipUri.Parse(_requestUriText!);
        set => _requestUri = value;
    }

    /// <summary>A new request with no headers; the caller adds Via, From, To, Call-ID, CSeq, Max-Forwards (§8.1.1).</summary>
    public static SipRequest Create(string method, SipUri requestUri) => new(method, requestUri, [], ReadOnlyMemory<byte>.Empty);

    protected override void WriteStartLine(StringBuilder sb) =>
        sb.Append(Method).Append(' ').Append(_requestUri?.ToString() ?? _requestUriText).Append(" SIP/2.0");
}
