using System.Collections.Concurrent;
using System.Net;
using Gateway.Media.Stun;

namespace Gateway.Media.Ice;

/// <summary>
/// Lets ONE UDP port serve many ICE-lite sessions: STUN is routed by the local ufrag in USERNAME
/// (the part before ':', RFC 8445 §7.2.2), every other packet (DTLS, SRTP, RTCP) by its source
/// address, learnt from valid checks. Reads are lock-free; registration is rare. When an agent's selected
/// pair changes (the browser moved), the addresses it no longer uses stop routing to it (RFC 8445 §7.3.1.5).
/// </summary>
public sealed class IceLiteMux
{
    private const int MaxUfragLength = 256;

    private readonly ConcurrentDictionary<string, IceLiteAgent> _byUfrag = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IceLiteAgent>.AlternateLookup<ReadOnlySpan<char>> _byUfragSpan;
    private readonly ConcurrentDictionary<IPEndPoint, IceLiteAgent> _byAddress = new();

    public IceLiteMux() => _byUfragSpan = _byUfrag.GetAlternateLookup<ReadOnlySpan<char>>();

    public int Count => _byUfrag.Count;

    /// <summary>Adds an agent; returns false if its ufrag is already registered.</summary>
    public bool Register(IceLiteAgent agent) => _byUfrag.TryAdd(agent.LocalCredentials.Ufrag, agent);

    /// <summary>Removes an agent and every address it was reachable at.</summary>
    public void Unregister(IceLiteAgent agent)
    {
        foreach (var pair in _byUfrag)
            if (ReferenceEquals(pair.Value, agent)) _byUfrag.TryRemove(pair.Key, out _);
        foreach (var pair in _byAddress)
            if (ReferenceEquals(pair.Value, agent)) _byAddress.TryRemove(pair.Key, out _);
    }

    /// <summary>
    /// After an ICE restart, re-key the agent under its new ufrag; the old ufrag keeps routing to it
    /// until <see cref="Forget"/> is called, so in-flight checks still land.
    /// </summary>
    public void Reregister(IceLiteAgent agent) => _byUfrag[agent.LocalCredentials.Ufrag] = agent;

    /// <summary>Stops routing an old ufrag (after an ICE restart completes).</summary>
    public void Forget(string ufrag) => _byUfrag.TryRemove(ufrag, out _);

    /// <summary>Finds the agent a STUN request is for by its USERNAME's local ufrag; allocation-free.</summary>
    public IceLiteAgent? FindByStun(ReadOnlySpan<byte> datagram)
    {
        if (StunMessage.TryParse(datagram, out var msg, out _) != StunError.None) return null;
        if (!msg.TryGetAttribute(StunAttributeType.Username, out var username)) return null;
        int colon = username.IndexOf((byte)':');
        var ufrag = colon < 0 ? username : username.Slice(0, colon);
        if (ufrag.IsEmpty || ufrag.Length > MaxUfragLength) return null;
        Span<char> chars = stackalloc char[ufrag.Length];
        for (int i = 0; i < ufrag.Length; i++)
        {
            if (ufrag[i] >= 0x80) return null; // ice-char is ASCII (RFC 8839 §5.4)
            chars[i] = (char)ufrag[i];
        }
        return _byUfragSpan.TryGetValue(chars, out var agent) ? agent : null;
    }

    /// <summary>Finds the agent for a non-STUN packet by source address.</summary>
    public IceLiteAgent? FindByAddress(IPEndPoint remote) => _byAddress.TryGetValue(remote, out var a) ? a : null;

    /// <summary>
    /// Routes and answers a STUN datagram; on a valid check, the source address is bound to the agent
    /// so later media from it is routed there too.
    /// </summary>
    public IceCheckResult HandleStun(ReadOnlySpan<byte> datagram, IPEndPoint remote, Span<byte> response,
        out int responseLength, out IceLiteAgent? agent)
    {
        responseLength = 0;
        agent = FindByStun(datagram);
        if (agent is null) return IceCheckResult.Discarded;
        var selectedBefore = agent.SelectedRemote;
        var result = agent.HandleStun(datagram, remote, response, out responseLength);
        if (result is IceCheckResult.Success or IceCheckResult.Nominated)
        {
            // Valid check: media from this source now belongs to the agent (RFC 8445 §7.3.1.3). The indexer
            // only writes when the entry is new or moves agents; an unchanged binding is a lock-free read.
            if (!_byAddress.TryGetValue(remote, out var bound) || !ReferenceEquals(bound, agent)) _byAddress[remote] = agent;
            if (!Equals(selectedBefore, agent.SelectedRemote)) DropUnusedAddresses(agent);
        }
        return result;
    }

    /// <summary>
    /// After a nomination changed the selected pair (RFC 8445 §7.3.1.5, §8.2), only the selected address and the
    /// source of the last valid check (consent freshness, RFC 7675 §5.1) keep routing to the agent; the rest are
    /// dropped. Rare (once per call setup and per move); lookups stay lock-free meanwhile, and an entry that another
    /// agent claimed in between is left alone.
    /// </summary>
    private void DropUnusedAddresses(IceLiteAgent agent)
    {
        var selected = agent.SelectedRemote;
        var lastChecked = agent.LastCheckedRemote;
        foreach (var pair in _byAddress)
        {
            if (!ReferenceEquals(pair.Value, agent) || pair.Key.Equals(selected) || pair.Key.Equals(lastChecked)) continue;
            _byAddress.TryRemove(pair);
        }
    }

    /// <summary>Addresses currently routed to <paramref name="agent"/> (diagnostics and tests).</summary>
    public int AddressCount(IceLiteAgent agent)
    {
        var count = 0;
        foreach (var pair in _byAddress)
            if (ReferenceEquals(pair.Value, agent)) count++;
        return count;
    }
}
