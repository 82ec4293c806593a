using Gateway.Sip.Transport;

namespace Gateway.Sip.Registrar;

/// <summary>
/// The flow a REGISTER arrived on (RFC 5626 §3.2): transport, the packet's source address and port (not the Contact's,
/// which behind NAT is a private address, RFC 5626 §5.3) and, on a connection-oriented transport, the connection.
/// Requests to the binding go back over this flow.
/// </summary>
public sealed record SipFlow(SipEndPoint Remote, string? ConnectionId)
{
    public override string ToString() => ConnectionId is null ? Remote.ToString() : Remote + "#" + ConnectionId;
}
