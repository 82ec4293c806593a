using System.Net;
using Gateway.Dialplan;
using Gateway.Server.Calls;

namespace Gateway.Server.SipHosting;

/// <summary>
/// The trust predicate of the SIP rate limiter: an address inside any trunk's inbound_sources (parsed when the dialplan
/// loads) or a registering trunk's registrar. The watcher is resolved on first use, after the host has started.
/// </summary>
internal sealed class TrunkSourceTrust(IServiceProvider services)
{
    public bool IsTrusted(IPAddress address) =>
        services.GetService<DialplanWatcher>() is { } watcher && (TrunkSources.Find(watcher.Current, address) is not null ||
            services.GetService<Gateway.Server.Trunks.TrunkRegistrarSources>()?.Find(watcher.Current, address) is not null);
}
