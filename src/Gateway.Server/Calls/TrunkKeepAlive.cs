using Gateway.Dialplan;

namespace Gateway.Server.Calls;

/// <summary>
/// OPTIONS keep-alives (RFC 3261 §11) to every trunk of the current dialplan with <c>probe</c> on, each every
/// <c>probe_interval</c>; the verdicts go to <see cref="TrunkFailover.ReportProbe"/>, which marks a trunk down after
/// <c>probe_failures</c> misses in a row (calls then skip it) and up on the next answer. Every breaker or up/down
/// change is logged once. The first probe of a trunk goes out one interval after the trunk is first seen.
/// </summary>
internal sealed partial class TrunkKeepAlive(Func<CompiledDialplan> dialplan, TrunkFailover failover, ITrunkProber prober, TimeProvider time,
    ILogger<TrunkKeepAlive> logger) : IHostedService, IDisposable
{
    /// <summary>How often due probes are looked for; probe_interval is at least 1 s.</summary>
    public static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(250);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _due = new(StringComparer.Ordinal);
    private readonly HashSet<string> _inFlight = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private ITimer? _timer;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        failover.Changed += OnChanged;
        Tick();
        _timer = time.CreateTimer(_ => Tick(), null, TickInterval, TickInterval);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        _stopping.Cancel();
        failover.Changed -= OnChanged;
        return Task.CompletedTask;
    }

    /// <summary>Starts the probes that are due (tests call it after moving the clock).</summary>
    public void Tick()
    {
        if (_stopping.IsCancellationRequested) return;
        var now = time.GetUtcNow();
        foreach (var trunk in dialplan().Trunks.Values)
        {
            if (!trunk.Liveness.Probe) continue;
            lock (_gate)
            {
                if (!_due.TryGetValue(trunk.Name, out var due))
                {
                    failover.Track(trunk.Name);
                    _due[trunk.Name] = now + trunk.Liveness.ProbeInterval;
                    continue;
                }
                if (now < due || !_inFlight.Add(trunk.Name)) continue;
                _due[trunk.Name] = now + trunk.Liveness.ProbeInterval;
            }
            _ = ProbeAsync(trunk);
        }
    }

    private async Task ProbeAsync(TrunkDefinition trunk)
    {
        bool alive;
        try { alive = await prober.ProbeAsync(trunk, _stopping.Token); }
        catch (OperationCanceledException) { return; }
        catch (Exception e)
        {
            Log.ProbeFailed(logger, trunk.Name, e.Message);
            alive = false;
        }
        finally
        {
            lock (_gate) _inFlight.Remove(trunk.Name);
        }
        failover.ReportProbe(trunk, alive);
    }

    private void OnChanged(TrunkHealth health)
    {
        if (!health.Up) Log.TrunkDown(logger, health.Trunk);
        else if (health.Breaker == TrunkBreakerState.Open) Log.BreakerOpened(logger, health.Trunk, health.Failures);
        else Log.TrunkUsable(logger, health.Trunk, health.Breaker);
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _stopping.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(4600, LogLevel.Warning, "Trunk {Trunk} is down: it did not answer its OPTIONS keep-alives; calls skip it until it answers")]
        public static partial void TrunkDown(ILogger logger, string trunk);

        [LoggerMessage(4601, LogLevel.Warning, "Trunk {Trunk} circuit opened after consecutive failures ({Failures} failures so far); calls skip it for the break")]
        public static partial void BreakerOpened(ILogger logger, string trunk, long failures);

        [LoggerMessage(4602, LogLevel.Information, "Trunk {Trunk} is up again (breaker {Breaker})")]
        public static partial void TrunkUsable(ILogger logger, string trunk, TrunkBreakerState breaker);

        [LoggerMessage(4603, LogLevel.Debug, "Trunk {Trunk} keep-alive failed: {Error}")]
        public static partial void ProbeFailed(ILogger logger, string trunk, string error);
    }
}
