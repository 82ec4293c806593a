namespace Gateway.Server.Observability;

/// <summary>
/// Counters rendered at GET /metrics (Prometheus text format). Thread-safe and allocation-free on update:
/// every update is one or two Interlocked operations on preallocated slots.
/// </summary>
public sealed class GatewayMetrics(TimeProvider? time = null)
{
    /// <summary>The outcome labels of gateway_calls_total; anything else is counted as "other".</summary>
    public static readonly IReadOnlyList<string> Outcomes = ["answered", "busy", "no_answer", "failed", "cancelled", "rejected", "other"];

    private readonly long[] _callsByOutcome = new long[Outcomes.Count];
    private readonly long[] _sipResponses = new long[600]; // status 100..699 (RFC 3261 §7.2)
    private long _activeCalls;
    private long _callsStarted;
    private long _packetsLost;
    private long _packetsExpected;

    /// <summary>Call received (or browser "call") to answer.</summary>
    internal LatencyHistogram Setup { get; } = new(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120);

    /// <summary>Gateway-added delay: small by design, so finer buckets.</summary>
    internal LatencyHistogram PostDialDelay { get; } = new(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5);

    /// <summary>Calls started per minute over the last hour (the ops page's chart, GET /api/v1/stats/calls-per-minute).</summary>
    public CallRateHistory CallRate { get; } = new(time ?? TimeProvider.System);

    /// <summary>A call was created (either direction); active_calls goes up.</summary>
    public void CallStarted()
    {
        Interlocked.Increment(ref _activeCalls);
        Interlocked.Increment(ref _callsStarted);
        CallRate.Record();
    }

    /// <summary>A call ended with an outcome label ("answered", "busy", "no_answer", "failed", "cancelled", "rejected"); active_calls goes down.</summary>
    public void CallEnded(string outcome)
    {
        Interlocked.Decrement(ref _activeCalls);
        Interlocked.Increment(ref _callsByOutcome[OutcomeIndex(outcome)]);
    }

    /// <summary>Setup latency: call received to answer (seconds), into a histogram.</summary>
    public void ObserveSetup(TimeSpan latency) => Setup.Observe(latency);

    /// <summary>Gateway-added post-dial delay: browser "call" to INVITE sent, or 200 OK to "answer" sent (seconds).</summary>
    public void ObservePostDialDelay(TimeSpan delay) => PostDialDelay.Observe(delay);

    /// <summary>A SIP response received or sent, by status code. Codes outside 100-699 are ignored.</summary>
    public void SipResponse(int statusCode)
    {
        if (statusCode is >= 100 and <= 699)
            Interlocked.Increment(ref _sipResponses[statusCode - 100]);
    }

    /// <summary>RTP packets lost and expected over one call (RFC 3550 §6.4.1 / A.3), reported at call end.</summary>
    public void ObservePacketLoss(long lost, long expected)
    {
        if (expected <= 0)
            return;
        Interlocked.Add(ref _packetsLost, Math.Clamp(lost, 0, expected));
        Interlocked.Add(ref _packetsExpected, expected);
    }

    public long ActiveCalls => Volatile.Read(ref _activeCalls);
    public long CallsStarted => Volatile.Read(ref _callsStarted);
    public long PacketsLost => Volatile.Read(ref _packetsLost);
    public long PacketsExpected => Volatile.Read(ref _packetsExpected);

    /// <summary>Lost / expected over all calls reported so far; 0 before any.</summary>
    public double PacketLossRatio
    {
        get
        {
            var expected = PacketsExpected;
            return expected == 0 ? 0 : (double)PacketsLost / expected;
        }
    }

    public long CallsEnded(string outcome) => Volatile.Read(ref _callsByOutcome[OutcomeIndex(outcome)]);

    public long SipResponses(int statusCode) =>
        statusCode is >= 100 and <= 699 ? Volatile.Read(ref _sipResponses[statusCode - 100]) : 0;

    private static int OutcomeIndex(string outcome)
    {
        for (var i = 0; i < Outcomes.Count - 1; i++)
            if (string.Equals(Outcomes[i], outcome, StringComparison.Ordinal))
                return i;
        return Outcomes.Count - 1;
    }
}
