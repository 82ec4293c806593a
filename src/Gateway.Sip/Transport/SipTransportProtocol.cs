using System.Net;

namespace Gateway.Sip.Transport;

/// <summary>The transports of RFC 3261 §18 this stack speaks, and SIP over WebSocket (RFC 7118 §5: Via WS / WSS).</summary>
public enum SipTransportProtocol
{
    Udp,
    Tcp,
    Tls,
    Ws,
    Wss,
}

/// <summary>A peer as a transport sees it: protocol plus IP address and port.</summary>
public readonly record struct SipEndPoint(SipTransportProtocol Protocol, IPEndPoint Address)
{
    public override string ToString() => Protocol.ToString().ToLowerInvariant() + ":" + Address;
}
