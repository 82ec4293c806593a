using System.Collections.Concurrent;
using System.Net;
using Gateway.Dialplan;

namespace Gateway.Server.Trunks;

/// <summary>
/// The resolved addresses of registering trunks (their registrar and their <c>uri</c> host): a carrier sends the calls
/// for a registered contact from there, so a request from one of them counts as that trunk's even without
/// <c>inbound_sources</c> (dialplan/README.md "Registration").
/// </summary>
internal sealed class TrunkRegistrarSources
{
    private readonly ConcurrentDictionary<IPAddress, string> _trunkByAddress = new();

    public void Add(string trunk, IPAddress address) => _trunkByAddress[Normalize(address)] = trunk;

    public void RemoveTrunk(string trunk)
    {
        foreach (var (address, name) in _trunkByAddress)
            if (name == trunk) _trunkByAddress.TryRemove(new KeyValuePair<IPAddress, string>(address, name));
    }

    /// <summary>The registering trunk of the plan whose registrar or host is <paramref name="address"/>, or null.</summary>
    public TrunkDefinition? Find(CompiledDialplan plan, IPAddress address) =>
        _trunkByAddress.TryGetValue(Normalize(address), out var name) && plan.Trunks.TryGetValue(name, out var trunk) && trunk.Register ? trunk : null;

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
