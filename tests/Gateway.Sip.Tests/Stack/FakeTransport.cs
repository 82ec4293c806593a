using System.Collections.Concurrent;
using System.Net;
using Gateway.Sip.Messages;
using Gateway.Sip.Transport;

namespace Gateway.Sip.Tests.Stack;

/// <summary>An in-memory UDP-like transport: tests inject received messages and read what the stack sent.</summary>
internal sealed class FakeTransport : ISipTransport
{
    private Action<SipInbound>? _onMessage;

    public SipTransportProtocol Protocol => SipTransportProtocol.Udp;
    public bool IsReliable => false;
    public IPEndPoint LocalEndPoint { get; } = new(IPAddress.Loopback, 5060);
    public ConcurrentQueue<(SipMessage Message, IPEndPoint Remote)> Sent { get; } = new();

    public void Start(Action<SipInbound> onMessage) => _onMessage = onMessage;

    public void Receive(SipMessage message, IPEndPoint source) => _onMessage!(new SipInbound(message, new SipEndPoint(Protocol, source), this));

    public IEnumerable<SipResponse> SentResponses => Sent.Select(s => s.Message).OfType<SipResponse>();

    public ValueTask<bool> SendAsync(SipMessage message, IPEndPoint remote, CancellationToken cancellationToken = default)
    {
        Sent.Enqueue((message, remote));
        return ValueTask.FromResult(true);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
