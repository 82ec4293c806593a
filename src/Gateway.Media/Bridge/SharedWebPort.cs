using System.Collections.Concurrent;
using System.Net;
using Gateway.Media.Demux;
using Gateway.Media.Ice;
using Gateway.Media.Net;

namespace Gateway.Media.Bridge;

/// <summary>
/// One UDP port for every web leg: STUN is routed by the USERNAME's local ufrag (<see cref="IceLiteMux"/>), everything
/// else by the source address an ICE check validated for a leg. An unroutable datagram is dropped. When a leg's selected
/// pair changes (the browser moved), the addresses it no longer uses stop routing to it (RFC 8445 §7.3.1.5), as in
/// <see cref="IceLiteMux"/>.
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
        leg.Agent.SelectedRemoteChanged += OnSelectedRemoteChanged;
    }

    public void Unregister(WebRtcLeg leg)
    {
        leg.Agent.SelectedRemoteChanged -= OnSelectedRemoteChanged;
        _mux.Unregister(leg.Agent);
        _byAgent.TryRemove(leg.Agent, out _);
        foreach (var address in leg.ValidatedAddresses) _byAddress.TryRemove(new KeyValuePair<SocketAddress, WebRtcLeg>(address, leg));
    }

    /// <summary>
    /// A valid check from <paramref name="address"/> (RFC 8445 §7.3.1.3): media from it now belongs to the leg. The indexer
    /// only writes when the entry is new or moves legs; an unchanged binding is a lock-free read.
    /// </summary>
    public void OnValidated(WebRtcLeg leg, SocketAddress address)
    {
        if (!_byAddress.TryGetValue(address, out var bound) || !ReferenceEquals(bound, leg)) _byAddress[address] = leg;
    }

    /// <summary>
    /// After a nomination changed the selected pair (RFC 8445 §7.3.1.5, §8.2), only the selected address and the source of
    /// the last valid check (consent freshness, RFC 7675 §5.1) keep routing to the leg; the rest are dropped. Rare (once per
    /// call setup and per move, on the receive thread); lookups stay lock-free meanwhile, and an entry another leg claimed
    /// in between is left alone. The leg keeps its <see cref="WebRtcLeg.ValidatedAddresses"/>.
    /// </summary>
    private void OnSelectedRemoteChanged(IceLiteAgent agent, IPEndPoint? previous, IPEndPoint selected)
    {
        if (!_byAgent.TryGetValue(agent, out var leg)) return;
        var lastChecked = agent.LastCheckedRemote;
        foreach (var pair in _byAddress)
        {
            if (!ReferenceEquals(pair.Value, leg)) continue;
            var remote = pair.Key.ToIPEndPoint();
            if (remote.Equals(selected) || remote.Equals(lastChecked)) continue;
            _byAddress.TryRemove(pair);
        }
    }

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
