using System.Collections.Concurrent;
using Polly;
using Polly.CircuitBreaker;

namespace Gateway.Dialplan;

/// <summary>The outcome of one attempt on one trunk: the final SIP status, or 0 for a transport error.</summary>
public sealed record TrunkDialResult(int StatusCode, string? Reason = null)
{
    public static TrunkDialResult TransportError(string reason) => new(0, reason);
    public bool IsSuccess => StatusCode is >= 200 and < 300;
    /// <summary>Timeout (408), server failure (5xx) or transport error: try the next trunk, count against this one.</summary>
    public bool IsTrunkFailure => StatusCode == 0 || StatusCode == 408 || StatusCode is >= 500 and < 600;
}

/// <summary>Places a call on a trunk (the server implements it with an INVITE).</summary>
public interface ITrunkDialer
{
    Task<TrunkDialResult> DialAsync(TrunkDefinition trunk, RouteDecision decision, CancellationToken cancellationToken);
}

/// <summary>Checks that a trunk answers again before it is trusted (the server implements it with SIP OPTIONS).</summary>
public interface ITrunkProber
{
    Task<bool> ProbeAsync(TrunkDefinition trunk, CancellationToken cancellationToken);
}

public sealed record TrunkFailoverOptions
{
    /// <summary>Calls within the sampling window, at least half of them failed, that open a trunk's circuit (2 at least).</summary>
    public int FailuresToOpen { get; init; } = 3;
    public TimeSpan SamplingDuration { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>How long a failing trunk stays out of rotation before it is probed.</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>A trunk's circuit as /metrics shows it.</summary>
public sealed record TrunkHealth(string Trunk, string State, long Failures);

/// <summary>
/// Tries the trunks of a route in order within one call (Polly circuit breaker per trunk): timeouts, 5xx and
/// transport errors move on to the next trunk; other final answers (486, 404, 2xx) end the attempt. A trunk
/// that keeps failing is taken out of rotation for a while, then probed with <see cref="ITrunkProber"/>
/// before calls go to it again.
/// </summary>
public sealed class TrunkFailover(TrunkFailoverOptions options, ITrunkProber prober, TimeProvider time)
{
    private sealed class Breaker
    {
        public ResiliencePipeline<TrunkDialResult> Pipeline = null!;
        public CircuitBreakerStateProvider State = new();
        public long Failures;
        /// <summary>Until when an open circuit keeps the trunk out (Polly moves to half-open only on the next execution).</summary>
        public DateTimeOffset OpenUntil;
    }

    private readonly ConcurrentDictionary<string, Breaker> _breakers = new(StringComparer.Ordinal);

    public async Task<(TrunkDialResult Result, string? Trunk)> ExecuteAsync(CompiledDialplan plan, RouteDecision decision, ITrunkDialer dialer, CancellationToken cancellationToken)
    {
        var last = new TrunkDialResult(503, "no trunk available");
        foreach (var name in decision.Trunks)
        {
            if (!plan.Trunks.TryGetValue(name, out var trunk)) continue;
            var breaker = _breakers.GetOrAdd(name, _ => CreateBreaker());
            try
            {
                var state = breaker.State.CircuitState;
                if (state == CircuitState.Open && time.GetUtcNow() < breaker.OpenUntil) continue;
                if (state is CircuitState.Open or CircuitState.HalfOpen)
                {
                    // The one trial the half-open circuit lets through is an OPTIONS probe, not a customer's call.
                    var probe = await breaker.Pipeline.ExecuteAsync(async ct =>
                        await prober.ProbeAsync(trunk, ct) ? new TrunkDialResult(200) : TrunkDialResult.TransportError("probe failed"), cancellationToken);
                    if (!probe.IsSuccess) { Interlocked.Increment(ref breaker.Failures); continue; }
                }
                var result = await breaker.Pipeline.ExecuteAsync(ct => new ValueTask<TrunkDialResult>(dialer.DialAsync(trunk, decision, ct)), cancellationToken);
                if (!result.IsTrunkFailure) return (result, name);
                Interlocked.Increment(ref breaker.Failures);
                last = result;
            }
            catch (BrokenCircuitException)
            {
                // Opened between the check and the call: treat as unavailable and move on.
            }
        }
        return (last, null);
    }

    public IReadOnlyList<TrunkHealth> Snapshot() =>
        _breakers.Select(kv => new TrunkHealth(kv.Key, kv.Value.State.CircuitState switch
        {
            CircuitState.Open or CircuitState.Isolated => "open",
            CircuitState.HalfOpen => "half-open",
            _ => "closed",
        }, Interlocked.Read(ref kv.Value.Failures))).OrderBy(h => h.Trunk).ToList();

    private Breaker CreateBreaker()
    {
        var breaker = new Breaker();
        breaker.Pipeline = new ResiliencePipelineBuilder<TrunkDialResult> { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<TrunkDialResult>
            {
                FailureRatio = 0.5,
                MinimumThroughput = options.FailuresToOpen,
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.BreakDuration,
                StateProvider = breaker.State,
                OnOpened = args =>
                {
                    breaker.OpenUntil = time.GetUtcNow() + args.BreakDuration;
                    return default;
                },
                ShouldHandle = new PredicateBuilder<TrunkDialResult>().HandleResult(r => r.IsTrunkFailure).Handle<Exception>(e => e is not OperationCanceledException),
            })
            .Build();
        return breaker;
    }
}
