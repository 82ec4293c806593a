namespace Gateway.Dialplan;

/// <summary>Where a trunk's circuit breaker is.</summary>
public enum TrunkBreakerState
{
    /// <summary>Calls go to the trunk.</summary>
    Closed,
    /// <summary>Too many consecutive failures: calls skip the trunk until the break is over.</summary>
    Open,
    /// <summary>The break is over; one OPTIONS trial decides between closed and open again.</summary>
    HalfOpen,
}

/// <summary>A trunk's health as /metrics shows it: the breaker, the keep-alive probe's verdict, failures counted so far.</summary>
public sealed record TrunkHealth(string Trunk, TrunkBreakerState Breaker, bool Up, long Failures)
{
    /// <summary>Calls may be sent now (the half-open trial aside).</summary>
    public bool Usable => Up && Breaker == TrunkBreakerState.Closed;
}

/// <summary>
/// One trunk's breaker and probe state. The breaker opens after <c>failuresToOpen</c> consecutive trunk failures,
/// whatever the call rate; the probe marks the trunk down after its configured consecutive failures and up on one answer.
/// All transitions under one lock; each returns whether something changed, so the change is logged once.
/// </summary>
internal sealed class TrunkCircuit(string trunk)
{
    private readonly Lock _gate = new();
    private TrunkBreakerState _breaker = TrunkBreakerState.Closed;
    private DateTimeOffset _openUntil;
    private int _consecutiveFailures, _consecutiveProbeFailures;
    private bool _up = true, _trialRunning;
    private long _failures;

    public TrunkHealth Health
    {
        get { lock (_gate) return new(trunk, _breaker, _up, _failures); }
    }

    /// <summary>Whether a call may go to the trunk now; <paramref name="trial"/> when this caller must run the half-open probe first.</summary>
    public bool TryEnter(DateTimeOffset now, out bool trial)
    {
        trial = false;
        lock (_gate)
        {
            if (!_up) return false;
            if (_breaker == TrunkBreakerState.Closed) return true;
            if (_breaker == TrunkBreakerState.Open && now < _openUntil) return false;
            if (_trialRunning) return false; // one trial at a time; the others skip the trunk meanwhile
            _breaker = TrunkBreakerState.HalfOpen;
            _trialRunning = trial = true;
            return true;
        }
    }

    /// <summary>The half-open trial's verdict: closed again, or open for another break. True when the breaker changed.</summary>
    public bool EndTrial(bool alive, DateTimeOffset now, TimeSpan breakDuration)
    {
        lock (_gate)
        {
            _trialRunning = false;
            if (alive)
            {
                _consecutiveFailures = 0;
                return Set(TrunkBreakerState.Closed);
            }
            _failures++;
            _openUntil = now + breakDuration;
            _breaker = TrunkBreakerState.Open;
            return false; // was half-open, open again: logged when it first opened
        }
    }

    /// <summary>An attempt ended with a trunk failure (5xx, 408, timeout, transport error). True when this opened the breaker.</summary>
    public bool RecordFailure(DateTimeOffset now, int failuresToOpen, TimeSpan breakDuration)
    {
        lock (_gate)
        {
            _failures++;
            if (++_consecutiveFailures < failuresToOpen || _breaker == TrunkBreakerState.Open) return false;
            _openUntil = now + breakDuration;
            return Set(TrunkBreakerState.Open);
        }
    }

    /// <summary>The trunk gave a final answer that is not its failure (2xx, 486, 404, ...): the failure run is over.</summary>
    public void RecordAnswer()
    {
        lock (_gate) _consecutiveFailures = 0;
    }

    /// <summary>A keep-alive probe's result. True when the trunk went down or up (or its breaker closed on an answer).</summary>
    public bool RecordProbe(bool alive, int failuresToMarkDown)
    {
        lock (_gate)
        {
            if (alive)
            {
                _consecutiveProbeFailures = 0;
                var changed = !_up || _breaker != TrunkBreakerState.Closed;
                _up = true;
                if (_breaker == TrunkBreakerState.Open) { _breaker = TrunkBreakerState.Closed; _consecutiveFailures = 0; }
                return changed;
            }
            if (++_consecutiveProbeFailures < failuresToMarkDown || !_up) return false;
            _up = false;
            return true;
        }
    }

    private bool Set(TrunkBreakerState next)
    {
        if (_breaker == next) return false;
        _breaker = next;
        return true;
    }
}
