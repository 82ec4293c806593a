using System.Net;
using Gateway.Dialplan;

namespace Gateway.Server.SipHosting;

/// <summary>
/// The trust predicate of the SIP rate limiter: an address inside any trunk's inbound_sources. The CIDRs are parsed once
/// per loaded dialplan (a reload is seen by reference). The watcher is resolved on first use, after the host has started.
/// </summary>
internal sealed class TrunkSourceTrust(IServiceProvider services)
{
    private (CompiledDialplan Plan, IPNetwork[] Networks)? _cache;

    public bool IsTrusted(IPAddress address)
    {
        if (services.GetService<DialplanWatcher>() is not { } watcher) return false;
        var plan = watcher.Current;
        var cache = _cache;
        if (cache is null || !ReferenceEquals(cache.Value.Plan, plan))
        {
            cache = (plan, Parse(plan));
            _cache = cache;
        }
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        foreach (var network in cache.Value.Networks)
            if (network.Contains(address)) return true;
        return false;
    }

    private static IPNetwork[] Parse(CompiledDialplan plan) =>
        [.. plan.Trunks.Values.SelectMany(t => t.InboundSources).Select(s => IPNetwork.TryParse(s, out var n) ? n : (IPNetwork?)null)
            .Where(n => n is not null).Select(n => n!.Value)];
}
