using Gateway.Dialplan;

namespace Gateway.Server.Api;

/// <summary>
/// One trunk of the active dialplan: keep-alive verdict (<c>up</c>), circuit breaker (closed, open, half_open), failures
/// counted, whether it is probed with OPTIONS, and its registration state (null: the gateway does not register trunks yet).
/// </summary>
public sealed record TrunkResource(string Name, string Uri, bool Up, string Breaker, long Failures, bool Usable, bool Probed, string? Registration)
{
    public static IReadOnlyList<TrunkResource> From(CompiledDialplan plan, IReadOnlyList<TrunkHealth> health)
    {
        var byName = health.ToDictionary(h => h.Trunk, StringComparer.Ordinal);
        return [.. plan.Trunks.Values.OrderBy(t => t.Name, StringComparer.Ordinal).Select(t =>
        {
            var h = byName.GetValueOrDefault(t.Name) ?? new TrunkHealth(t.Name, TrunkBreakerState.Closed, true, 0);
            return new TrunkResource(t.Name, t.Uri, h.Up, BreakerName(h.Breaker), h.Failures, h.Usable, t.Liveness.Probe, null);
        })];
    }

    private static string BreakerName(TrunkBreakerState state) => state switch
    {
        TrunkBreakerState.Open => "open",
        TrunkBreakerState.HalfOpen => "half_open",
        _ => "closed",
    };
}
