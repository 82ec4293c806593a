using System.Net;
using Gateway.Sip.Messages;

namespace Gateway.Sip.Transport;

/// <summary>A message received by a transport, with where it came from (RFC 3261 §18.2.1 needs the source).</summary>
public readonly record struct SipInbound(SipMessage Message, SipEndPoint Source, ISipTransport Transport);

/// <summary>One listening transport (RFC 3261 §18): sends messages to peers and hands received ones to its owner.</summary>
public interface ISipTransport : IAsyncDisposable
{
    SipTransportProtocol Protocol { get; }
    /// <summary>Reliable (TCP, TLS) transports suppress retransmissions (§17).</summary>
    bool IsReliable { get; }
    IPEndPoint LocalEndPoint { get; }

    /// <summary>Starts receiving; each well-formed message goes to <paramref name="onMessage"/>. Malformed input is dropped and counted (Protection.SipDropLog).</summary>
    void Start(Action<SipInbound> onMessage);

    /// <summary>Sends a message; false on a transport error (no route, connection refused, closed).</summary>
    ValueTask<bool> SendAsync(SipMessage message, IPEndPoint remote, CancellationToken cancellationToken = default);

    /// <summary>A connection (TCP, TLS) to or from the peer closed: its flow is gone (RFC 5626 §4.4). Datagram transports never raise it.</summary>
    event Action<SipEndPoint>? ConnectionClosed { add { } remove { } }
}
