using System.Collections.Concurrent;
using System.Net;
using Gateway.Media.Demux;
using Gateway.Media.Ice;
using Gateway.Media.Net;

namespace Gateway.Media.Bridge;

/// <summary>
/// One UDP port for every web leg: STUN is routed by the USERNAME's local ufrag (<see cref="IceLiteMux"/>), everything
/// else by the source address an ICE check validated for a leg. An unroutable datagram is dropped.
/// </summary>
internal sealed class SharedWebPort(UdpMediaSocket socket)
{
    private readonly IceLiteMux _mux = new();
    private readonly ConcurrentDictionary<IceLiteAgent, WebRtcLeg> _byAgent = new();
    private readonly ConcurrentDictionary<SocketAddress, WebRtcLeg> _byAddress = new();

    public UdpMediaSocket Socket { get; } = socket;
    public long Unroutable;
    public int AddressCount => _byAddress.Count;

    public void Register(WebRtcLeg leg)
    {
        _byAgent[leg.Agent] = leg;
        _mux.Register(leg.Agent);
    }

    public void Unregister(WebRtcLeg leg)
    {
        _mux.Unregister(leg.Agent);
        _byAgent.TryRemove(leg.Agent, out _);
        foreach (var address in leg.ValidatedAddresses) _byAddress.TryRemove(new KeyValuePair<SocketAddress, WebRtcLeg>(address, leg));
    }

    public void OnValidated(WebRtcLeg leg, SocketAddress address) => _byAddress[address] = leg;

    public void OnDatagram(Span<byte> buffer, int length, SocketAddress from)
    {
        WebRtcLeg? leg = null;
        if (length > 0 && MediaPacketClassifier.ClassifyFirstByte(buffer[0]) == MediaPacketKind.Stun)
        {
            if (_mux.FindByStun(buffer[..length]) is { } agent) _byAgent.TryGetValue(agent, out leg);
        }
        else _byAddress.TryGetValue(from, out leg);
        if (leg is null) { Interlocked.Increment(ref Unroutable); return; }
        leg.OnDatagram(buffer, length, from);
    }
}
