namespace Gateway.Server.Calls;

/// <summary>
/// How a call ends, given once to <see cref="GatewayCall.End"/>: the cause the CDR and the browser see, the outcome
/// counted, and what each side still needs. The SIP action is not chosen by the caller: the call's kind decides it from
/// its state (BYE for a dialog, CANCEL for an INVITE in flight, a final response for an INVITE offered, nothing
/// without a SIP side), so no path can end the call and forget the SIP side.
/// </summary>
internal sealed record CallEnd(int Code, string Reason, string Outcome)
{
    /// <summary>Whether the browser still has to hear "hangup".</summary>
    public WebNotice Web { get; init; } = WebNotice.Hangup;

    /// <summary><see cref="SipEnd.Done"/> when the SIP side ended the call itself (its BYE): nothing to send.</summary>
    public SipEnd Sip { get; init; } = SipEnd.ByState;

    /// <summary>RFC 3326 Reason of the BYE the gateway sends when it ends an answered call for a cause.</summary>
    public (int Cause, string Text)? ByeReason { get; init; }

    /// <summary>What the browser hears when it differs from the SIP cause (an inbound no-answer: 480 to SIP, 487 to browsers).</summary>
    public (int Code, string Reason)? WebCause { get; init; }

    public int WebCode => WebCause?.Code ?? Code;
    public string WebReason => WebCause?.Reason ?? Reason;

    /// <summary>The SIP side hung up (its BYE): the browser hears it, nothing goes back to SIP.</summary>
    public static CallEnd ByRemote(string outcome) => new(200, "Normal", outcome) { Sip = SipEnd.Done };
}

internal enum WebNotice
{
    /// <summary>Send the browser "hangup" with the cause.</summary>
    Hangup,
    /// <summary>The browser was told already, or its session is gone.</summary>
    None,
}

internal enum SipEnd
{
    /// <summary>The call's kind sends what its state needs (BYE, CANCEL, final response, or nothing).</summary>
    ByState,
    /// <summary>The SIP side is over already.</summary>
    Done,
}
