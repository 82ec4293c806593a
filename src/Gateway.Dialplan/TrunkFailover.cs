using System.Collections.Concurrent;

namespace Gateway.Dialplan;

/// <summary>The outcome of one attempt on one trunk: the final SIP status, or 0 for a transport error.</summary>
public sealed record TrunkDialResult(int StatusCode, string? Reason = null)
{
    public static TrunkDialResult TransportError(string reason) => new(0, reason);

    /// <summary>No provisional response within the trunk's invite_timeout: the INVITE was abandoned.</summary>
    public static TrunkDialResult InviteTimeout(TimeSpan after) => new(408, $"Request Timeout (no response within {after.TotalSeconds:0.###} s)");

    public bool IsSuccess => StatusCode is >= 200 and < 300;

    /// <summary>
    /// The failover rule (dialplan/README.md "Failover"): a transport error, 408 or our INVITE timeout, or any 5xx is the
    /// trunk's failure: try the next trunk and count it against this one's breaker. Every other final answer (2xx, 4xx
    /// but 408, 6xx: 404, 484, 486, 600, 603, ...) is the callee's or the network's verdict and ends the call's attempts.
    /// </summary>
    public bool IsTrunkFailure => StatusCode == 0 || StatusCode == 408 || StatusCode is >= 500 and < 600;
}

/// <summary>Places a call on a trunk (the server implements it with an INVITE).</summary>
public interface ITrunkDialer
{
    Task<TrunkDialResult> DialAsync(TrunkDefinition trunk, RouteDecision decision, CancellationToken cancellationToken);
}

/// <summary>Checks that a trunk answers (the server implements it with SIP OPTIONS).</summary>
public interface ITrunkProber
{
    Task<bool> ProbeAsync(TrunkDefinition trunk, CancellationToken cancellationToken);
}

public sealed record TrunkFailoverOptions
{
    /// <summary>Consecutive trunk failures (any call rate) that open a trunk's circuit.</summary>
    public int FailuresToOpen { get; init; } = 3;

    /// <summary>How long an open circuit keeps the trunk out of rotation before one OPTIONS trial.</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Tries the trunks of a route in order within one call. Trunk failures (<see cref="TrunkDialResult.IsTrunkFailure"/>)
/// move on to the next trunk; any other final answer ends the attempt. Each trunk has a <see cref="TrunkCircuit"/>:
/// a breaker that opens on consecutive failures and is tried again with an OPTIONS probe after the break, and the
/// keep-alive verdict (<see cref="ReportProbe"/>) that takes a dead trunk out until it answers again.
/// </summary>
public sealed class TrunkFailover(TrunkFailoverOptions options, ITrunkProber prober, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, TrunkCircuit> _circuits = new(StringComparer.Ordinal);

    /// <summary>A trunk's breaker or up/down state changed (raised once per change, outside any lock).</summary>
    public event Action<TrunkHealth>? Changed;

    public async Task<(TrunkDialResult Result, string? Trunk)> ExecuteAsync(CompiledDialplan plan, RouteDecision decision, ITrunkDialer dialer, CancellationToken cancellationToken)
    {
        var last = new TrunkDialResult(503, "no trunk available");
        foreach (var name in decision.Trunks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!plan.Trunks.TryGetValue(name, out var trunk)) continue;
            var circuit = Circuit(name);
            if (!circuit.TryEnter(time.GetUtcNow(), out var trial)) continue;
            if (trial)
            {
                // The one trial the half-open circuit lets through is an OPTIONS probe, not a customer's call.
                var alive = await ProbeAsync(trunk, cancellationToken);
                if (circuit.EndTrial(alive, time.GetUtcNow(), options.BreakDuration)) Raise(circuit);
                if (!alive) continue;
            }
            TrunkDialResult result;
            try
            {
                result = await dialer.DialAsync(trunk, decision, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                result = TrunkDialResult.TransportError(e.Message);
            }
            if (!result.IsTrunkFailure)
            {
                circuit.RecordAnswer();
                return (result, name);
            }
            if (circuit.RecordFailure(time.GetUtcNow(), options.FailuresToOpen, options.BreakDuration)) Raise(circuit);
            last = result;
        }
        return (last, null);
    }

    /// <summary>A keep-alive probe's result for <paramref name="trunk"/>: down after <see cref="TrunkLiveness.ProbeFailures"/> in a row, up on one answer.</summary>
    public void ReportProbe(TrunkDefinition trunk, bool alive)
    {
        var circuit = Circuit(trunk.Name);
        if (circuit.RecordProbe(alive, trunk.Liveness.ProbeFailures)) Raise(circuit);
    }

    /// <summary>Every trunk seen so far (by a call or a probe), by name.</summary>
    public IReadOnlyList<TrunkHealth> Snapshot() =>
        _circuits.Values.Select(c => c.Health).OrderBy(h => h.Trunk, StringComparer.Ordinal).ToList();

    /// <summary>Starts tracking a trunk (so /metrics lists it before its first call).</summary>
    public void Track(string trunk) => Circuit(trunk);

    private TrunkCircuit Circuit(string name) => _circuits.GetOrAdd(name, n => new TrunkCircuit(n));

    private async Task<bool> ProbeAsync(TrunkDefinition trunk, CancellationToken cancellationToken)
    {
        try { return await prober.ProbeAsync(trunk, cancellationToken); }
        catch (Exception e) when (e is not OperationCanceledException) { return false; }
    }

    private void Raise(TrunkCircuit circuit) => Changed?.Invoke(circuit.Health);
}
