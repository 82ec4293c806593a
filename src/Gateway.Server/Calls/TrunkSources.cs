using System.Net;
using Gateway.Dialplan;

namespace Gateway.Server.Calls;

/// <summary>Which trunk a SIP request comes from: the one whose <c>inbound_sources</c> (CIDRs) hold its source address.</summary>
internal static class TrunkSources
{
    public static TrunkDefinition? Find(CompiledDialplan plan, IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        foreach (var trunk in plan.Trunks.Values)
            foreach (var source in trunk.InboundSources)
                if (IPNetwork.TryParse(source, out var network) && network.Contains(address)) return trunk;
        return null;
    }
}
