namespace Gateway.Server.Observability;

/// <summary>
/// Counters rendered at GET /metrics (Prometheus text format). Thread-safe and allocation-free on update.
/// CONTRACT STUB: implemented in the observability work; the call layer only calls these methods.
/// </summary>
public sealed class GatewayMetrics
{
    /// <summary>A call was created (either direction); active_calls goes up.</summary>
    public void CallStarted() { }

    /// <summary>A call ended with an outcome label ("answered", "busy", "no_answer", "failed", "cancelled", "rejected"); active_calls goes down.</summary>
    public void CallEnded(string outcome) { }

    /// <summary>Setup latency: call received to answer (seconds), into a histogram.</summary>
    public void ObserveSetup(TimeSpan latency) { }

    /// <summary>Gateway-added post-dial delay: browser "call" to INVITE sent, or 200 OK to "answer" sent (seconds).</summary>
    public void ObservePostDialDelay(TimeSpan delay) { }

    /// <summary>A SIP response received or sent, by status code.</summary>
    public void SipResponse(int statusCode) { }
}
