using System.Globalization;
using Gateway.Sip.Messages;

namespace Gateway.Sip.Registration;

/// <summary>
/// Builds the REGISTER of a binding (RFC 3261 §10.2): Request-URI the registrar, To and From the address-of-record (From
/// with the binding's tag), one Call-ID for every REGISTER of the binding and a CSeq one higher each time (§10.2.4),
/// Expires the asked expiry (0 to remove the binding, §10.2.2). Via is the sender's.
/// </summary>
internal static class RegisterRequest
{
    public static SipRequest Create(RegistrationBinding binding, string callId, string fromTag, uint cseq, TimeSpan expires, string? contact)
    {
        var request = SipRequest.Create(SipMethods.Register, binding.Registrar);
        request.AddHeader(SipHeaderNames.MaxForwards, "70");
        request.AddHeader(SipHeaderNames.From, "<" + binding.AddressOfRecord + ">;tag=" + fromTag);
        request.AddHeader(SipHeaderNames.To, "<" + binding.AddressOfRecord + ">");
        request.AddHeader(SipHeaderNames.CallId, callId);
        request.AddHeader(SipHeaderNames.CSeq, cseq.ToString(CultureInfo.InvariantCulture) + " " + SipMethods.Register);
        if (contact is not null) request.AddHeader(SipHeaderNames.Contact, contact);
        request.AddHeader(SipHeaderNames.Expires, ((long)expires.TotalSeconds).ToString(CultureInfo.InvariantCulture));
        if (binding.UserAgent is { } agent) request.AddHeader(SipHeaderNames.UserAgent, agent);
        return request;
    }
}
