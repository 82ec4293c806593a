using Gateway.Dialplan;

namespace Gateway.Server.Api;

/// <summary>
/// One trunk of the active dialplan: keep-alive verdict (<c>up</c>), circuit breaker (closed, open, half_open), failures
/// counted, whether it is probed with OPTIONS, and its registration state (RFC 3261 §10.2, dialplan <c>register: true</c>):
/// unregistered, registering, registered, failed or unregistering; null when this node does not register the trunk.
/// </summary>
public sealed record TrunkResource(string Name, string Uri, bool Up, string Breaker, long Failures, bool Usable, bool Probed, string? Registration)
{
    internal static IReadOnlyList<TrunkResource> From(CompiledDialplan plan, IReadOnlyList<TrunkHealth> health,
        IReadOnlyList<Trunks.TrunkRegistrationStatus>? registrations = null)
    {
        var byName = health.ToDictionary(h => h.Trunk, StringComparer.Ordinal);
        var registered = (registrations ?? []).ToDictionary(r => r.Trunk, r => RegistrationName(r.State), StringComparer.Ordinal);
        return [.. plan.Trunks.Values.OrderBy(t => t.Name, StringComparer.Ordinal).Select(t =>
        {
            var h = byName.GetValueOrDefault(t.Name) ?? new TrunkHealth(t.Name, TrunkBreakerState.Closed, true, 0);
            return new TrunkResource(t.Name, t.Uri, h.Up, BreakerName(h.Breaker), h.Failures, h.Usable, t.Liveness.Probe, registered.GetValueOrDefault(t.Name));
        })];
    }

    private static string RegistrationName(Gateway.Sip.Registration.RegistrationState state) => state switch
    {
        Gateway.Sip.Registration.RegistrationState.Registering => "registering",
        Gateway.Sip.Registration.RegistrationState.Registered => "registered",
        Gateway.Sip.Registration.RegistrationState.Failed => "failed",
        Gateway.Sip.Registration.RegistrationState.Unregistering => "unregistering",
        _ => "unregistered",
    };

    private static string BreakerName(TrunkBreakerState state) => state switch
    {
        TrunkBreakerState.Open => "open",
        TrunkBreakerState.HalfOpen => "half_open",
        _ => "closed",
    };
}
