using Gateway.Sip.Messages;

namespace Gateway.Sip.Tests.Transactions;

internal static class TransactionTestMessages
{
    public static SipRequest Request(string method, string branch = "z9hG4bKtx1")
    {
        var r = SipRequest.Create(method, SipUri.Parse("sip:bob@127.0.0.1:5080"));
        r.AddHeader("Via", $"SIP/2.0/UDP 127.0.0.1:5060;branch={branch};rport");
        r.AddHeader("Max-Forwards", "70");
        r.AddHeader("From", "<sip:alice@127.0.0.1>;tag=a1");
        r.AddHeader("To", "<sip:bob@127.0.0.1>");
        r.AddHeader("Call-ID", "call-" + branch);
        r.AddHeader("CSeq", "1 " + method);
        return r;
    }

    public static SipResponse Response(SipRequest request, int code) => SipResponse.CreateFor(request, code, toTag: code > 100 ? "b1" : null);
}
