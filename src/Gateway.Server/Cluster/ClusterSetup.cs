using Gateway.Cluster;
using Gateway.Dialplan;
using Gateway.Server.Calls;
using Gateway.Server.Hosting;
using Gateway.Server.Registrar;
using Gateway.Server.Signaling;
using Gateway.Server.Trunks;
using Gateway.Sip.Messages;
using Gateway.Sip.Registrar;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Cluster;

/// <summary>
/// Several nodes sharing state in Redis ("Cluster" options, off unless <c>Cluster:Redis</c> is set; README "Cluster").
/// Before AddGatewayRegistrar, whose store it wraps, and before AddGatewayCalls, whose SIP dispatcher and trunk
/// registrations it hooks into.
/// </summary>
internal static class ClusterSetup
{
    public static IServiceCollection AddGatewayCluster(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ClusterOptions>().Bind(configuration.GetSection(ClusterOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClusterOptions>, ClusterOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClusterOptions>, ClusterSipUriValidator>());
        var options = configuration.GetSection(ClusterOptions.Section).Get<ClusterOptions>() ?? new ClusterOptions();
        if (!options.Enabled) return services;

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IRegistrationStore>(sp => new PresenceRegistrationStore(
            new InMemoryRegistrationStore(sp.GetRequiredService<IOptions<RegistrarHostOptions>>().Value.MaxBindings, sp.GetRequiredService<TimeProvider>()),
            () => sp.GetRequiredService<ClusterMembership>().Presence));
        services.AddSingleton(sp =>
        {
            var plan = () => sp.GetRequiredService<DialplanWatcher>().Current;
            var store = sp.GetRequiredService<IRegistrationStore>() as PresenceRegistrationStore;
            var membership = new ClusterMembership(sp.GetRequiredService<IOptions<ClusterOptions>>().Value, sp.GetRequiredService<GatewaySipOptions>(),
                sp.GetRequiredService<DrainState>(), sp.GetRequiredService<CallRegistry>(), sp.GetRequiredService<WebUserDirectory>(),
                () => store?.Users() ?? [], () => [.. plan().Trunks.Values.Where(t => t.Register).Select(t => t.Name)],
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>());
            membership.Leases.Changed += () => sp.GetRequiredService<TrunkRegistrations>().Reapply();
            return membership;
        });
        services.AddSingleton<ClusterRedirect>();
        services.AddHostedService<ClusterHost>();
        return services;
    }

    /// <summary>Cluster:SipUri, when set, parses as a SIP URI with a host.</summary>
    private sealed class ClusterSipUriValidator : IValidateOptions<ClusterOptions>
    {
        public ValidateOptionsResult Validate(string? name, ClusterOptions o) =>
            o.SipUri is not { Length: > 0 } uri || (SipUri.TryParse(uri, out var parsed) && parsed!.IsSip && parsed.User is null && parsed.Host.Length > 0)
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"Cluster:SipUri must be a sip: URI without a user, such as sip:10.0.0.2:5060 (it is '{uri}').");
    }
}
