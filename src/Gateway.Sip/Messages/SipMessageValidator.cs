namespace Gateway.Sip.Messages;

/// <summary>
/// The checks a UA makes after parsing (RFC 3261 §8.1.1, §8.2): the typed headers match their grammar,
/// mandatory headers are present once, CSeq's method equals the request method. A failure is answered 400.
/// </summary>
public static class SipMessageValidator
{
    private static readonly string[] Mandatory = [SipHeaderNames.To, SipHeaderNames.From, SipHeaderNames.CSeq, SipHeaderNames.CallId, SipHeaderNames.Via];
    private static readonly string[] SingleValued = [SipHeaderNames.To, SipHeaderNames.From, SipHeaderNames.CSeq, SipHeaderNames.CallId, SipHeaderNames.ContentLength, SipHeaderNames.MaxForwards];

    public static SipParseError? Validate(SipMessage message)
    {
        if (message.TypedHeaderError is { } typed) return typed;
        foreach (var name in Mandatory)
            if (message.CountHeaders(name) == 0)
                return new SipParseError(SipParseErrorKind.MissingHeader, 0, $"mandatory header {name} is missing (§8.1.1)");
        foreach (var name in SingleValued)
            if (message.CountHeaders(name) > 1)
                return new SipParseError(SipParseErrorKind.InconsistentMessage, 0, $"{name} appears more than once");
        if (message is SipRequest request && message.CSeq is { } cseq && cseq.Method != request.Method)
            return new SipParseError(SipParseErrorKind.InconsistentMessage, 0, $"CSeq method {cseq.Method} differs from request method {request.Method} (§8.1.1.5)");
        return null;
    }
}
