using Gateway.Sip.Messages;
using Gateway.Sip.Transactions;

namespace Gateway.Sip.Stack;

/// <summary>The sender of a client transaction refused before anything was sent: it sends nothing.</summary>
internal sealed class UnsentSender : ISipMessageSender
{
    public static readonly UnsentSender Instance = new();
    public bool IsReliable => true;
    public event Action? TransportFailed { add { } remove { } }
    public void Send(SipMessage message) { }
}
