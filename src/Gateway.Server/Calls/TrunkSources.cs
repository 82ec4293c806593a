using System.Net;
using Gateway.Dialplan;

namespace Gateway.Server.Calls;

/// <summary>Which trunk a SIP request comes from: the one whose <c>inbound_sources</c> (CIDRs) hold its source address.</summary>
internal static class TrunkSources
{
    public static TrunkDefinition? Find(CompiledDialplan plan, IPAddress address)
    {
        foreach (var trunk in plan.Trunks.Values)
            if (trunk.IsInboundSource(address)) return trunk;
        return null;
    }
}
