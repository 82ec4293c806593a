using System.Net;
using Gateway.Sip.Messages;
using Gateway.Sip.Transactions;
using Gateway.Sip.Transport;

namespace Gateway.Sip.Stack;

/// <summary>Binds a transaction to one transport and peer; a failed send raises TransportFailed (§17.1.4).</summary>
internal sealed class TransportSender(ISipTransport transport, IPEndPoint remote) : ISipMessageSender
{
    public bool IsReliable => transport.IsReliable;
    public event Action? TransportFailed;

    public void Send(SipMessage message) => _ = SendAsync(message);

    private async Task SendAsync(SipMessage message)
    {
        if (!await transport.SendAsync(message, remote)) TransportFailed?.Invoke();
    }
}
