using Gateway.Dialplan;
using Gateway.Server.Calls;

namespace Gateway.Server.Trunks;

/// <summary>Outbound registration of <c>register: true</c> trunks (dialplan/README.md "Registration").</summary>
internal static class TrunkRegistrationSetup
{
    /// <summary>After AddGatewayCalls' SIP host: started once the transports are, stopped (unregistered) before them.</summary>
    public static IServiceCollection AddTrunkRegistrations(this IServiceCollection services)
    {
        services.AddSingleton<TrunkRegistrarSources>();
        services.AddSingleton(sp =>
        {
            var sources = sp.GetRequiredService<TrunkRegistrarSources>();
            var sip = sp.GetRequiredService<SipAddressing>();
            return new TrunkRegistrations(() => sp.GetRequiredService<DialplanWatcher>().Current,
                trunk => new SipRegistrationSender(sip, trunk, sources), sources, sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<TrunkRegistrations>>(), apply => sp.GetRequiredService<DialplanWatcher>().Reloaded += apply,
                sp.GetService<Cluster.ClusterMembership>() is { } cluster ? cluster.Leases.Holds : null); // Cluster/: one node per trunk
        });
        services.AddHostedService(sp => sp.GetRequiredService<TrunkRegistrations>());
        return services;
    }
}
