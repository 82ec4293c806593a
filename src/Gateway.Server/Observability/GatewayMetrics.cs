using System.Diagnostics.Metrics;

namespace Gateway.Server.Observability;

/// <summary>
/// The gateway's call metrics as System.Diagnostics.Metrics instruments on the Meter "Gateway" (so any listener, an
/// OpenTelemetry exporter included, sees them), and the aggregates GET /metrics renders (Prometheus text), kept by a
/// private <see cref="MeterListener"/> on this instance's meter (<see cref="GatewayMeterAggregates"/>).
/// Updates allocate nothing: tag values are interned strings or preboxed status codes, the aggregates are Interlocked slots.
/// </summary>
public sealed class GatewayMetrics : IDisposable
{
    public const string MeterName = "Gateway";

    /// <summary>The outcome labels of gateway_calls_total; anything else is counted as "other".</summary>
    public static readonly IReadOnlyList<string> Outcomes = ["answered", "busy", "no_answer", "failed", "cancelled", "rejected", "other"];

    /// <summary>Status codes 100..699 (RFC 3261 §7.2) boxed once, so tagging a SIP response allocates nothing.</summary>
    private static readonly object[] BoxedCodes = [.. Enumerable.Range(100, 600).Select(c => (object)c)];

    private readonly Meter _meter;
    private readonly bool _ownsMeter; // a factory's meter is the factory's to dispose
    private readonly GatewayMeterAggregates _aggregates;
    private readonly UpDownCounter<long> _active;
    private readonly Counter<long> _started;
    private readonly Counter<long> _ended;
    private readonly Histogram<double> _setup;
    private readonly Histogram<double> _postDialDelay;
    private readonly Counter<long> _sipResponses;
    private readonly Counter<long> _packetsLost;
    private readonly Counter<long> _packetsExpected;

    public GatewayMetrics(TimeProvider? time = null, IMeterFactory? meters = null)
    {
        CallRate = new CallRateHistory(time ?? TimeProvider.System);
        _ownsMeter = meters is null;
        _meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        _active = _meter.CreateUpDownCounter<long>("gateway.calls.active", "{call}", "Calls in progress (either direction).");
        _started = _meter.CreateCounter<long>("gateway.calls.started", "{call}", "Calls created since start (either direction).");
        _ended = _meter.CreateCounter<long>("gateway.calls.ended", "{call}", "Calls ended since start, by outcome.");
        _setup = _meter.CreateHistogram<double>("gateway.call.setup.duration", "s", "Call setup latency: call received to answer.");
        _postDialDelay = _meter.CreateHistogram<double>("gateway.call.post_dial_delay", "s",
            "Gateway-added post-dial delay: browser call to INVITE sent, or 200 OK to answer sent.");
        _sipResponses = _meter.CreateCounter<long>("gateway.sip.responses", "{response}", "SIP responses sent or received, by status code.");
        _packetsLost = _meter.CreateCounter<long>("gateway.rtp.packets.lost", "{packet}", "RTP packets lost over ended calls (RFC 3550 A.3).");
        _packetsExpected = _meter.CreateCounter<long>("gateway.rtp.packets.expected", "{packet}", "RTP packets expected over ended calls (RFC 3550 A.3).");
        _aggregates = new GatewayMeterAggregates(_meter, new GatewayInstruments(_active, _started, _ended, _setup, _postDialDelay, _sipResponses, _packetsLost, _packetsExpected));
    }

    /// <summary>The meter the instruments live on (tests and exporters filter on it).</summary>
    public Meter Meter => _meter;

    /// <summary>Call received (or browser "call") to answer.</summary>
    internal LatencyHistogram Setup => _aggregates.Setup;

    /// <summary>Gateway-added delay: small by design, so finer buckets.</summary>
    internal LatencyHistogram PostDialDelay => _aggregates.PostDialDelay;

    /// <summary>Calls started per minute over the last hour (the ops page's chart, GET /api/v1/stats/calls-per-minute).</summary>
    public CallRateHistory CallRate { get; }

    /// <summary>A call was created (either direction); active_calls goes up.</summary>
    public void CallStarted()
    {
        _active.Add(1);
        _started.Add(1);
        CallRate.Record();
    }

    /// <summary>A call ended with an outcome label ("answered", "busy", "no_answer", "failed", "cancelled", "rejected"); active_calls goes down.</summary>
    public void CallEnded(string outcome)
    {
        _active.Add(-1);
        _ended.Add(1, new KeyValuePair<string, object?>("outcome", Outcomes[OutcomeIndex(outcome)]));
    }

    /// <summary>Setup latency: call received to answer (seconds), into a histogram.</summary>
    public void ObserveSetup(TimeSpan latency) => _setup.Record(Math.Max(0, latency.TotalSeconds));

    /// <summary>Gateway-added post-dial delay: browser "call" to INVITE sent, or 200 OK to "answer" sent (seconds).</summary>
    public void ObservePostDialDelay(TimeSpan delay) => _postDialDelay.Record(Math.Max(0, delay.TotalSeconds));

    /// <summary>A SIP response received or sent, by status code. Codes outside 100-699 are ignored.</summary>
    public void SipResponse(int statusCode)
    {
        if (statusCode is >= 100 and <= 699)
            _sipResponses.Add(1, new KeyValuePair<string, object?>("code", BoxedCodes[statusCode - 100]));
    }

    /// <summary>RTP packets lost and expected over one call (RFC 3550 §6.4.1 / A.3), reported at call end.</summary>
    public void ObservePacketLoss(long lost, long expected)
    {
        if (expected <= 0)
            return;
        _packetsLost.Add(Math.Clamp(lost, 0, expected));
        _packetsExpected.Add(expected);
    }

    public long ActiveCalls => _aggregates.ActiveCalls;
    public long CallsStarted => _aggregates.CallsStarted;
    public long PacketsLost => _aggregates.PacketsLost;
    public long PacketsExpected => _aggregates.PacketsExpected;

    /// <summary>Lost / expected over all calls reported so far; 0 before any.</summary>
    public double PacketLossRatio
    {
        get
        {
            var expected = PacketsExpected;
            return expected == 0 ? 0 : (double)PacketsLost / expected;
        }
    }

    public long CallsEnded(string outcome) => _aggregates.CallsEnded(OutcomeIndex(outcome));

    public long SipResponses(int statusCode) => statusCode is >= 100 and <= 699 ? _aggregates.SipResponses(statusCode) : 0;

    internal static int OutcomeIndex(string? outcome)
    {
        for (var i = 0; i < Outcomes.Count - 1; i++)
            if (string.Equals(Outcomes[i], outcome, StringComparison.Ordinal))
                return i;
        return Outcomes.Count - 1;
    }

    public void Dispose()
    {
        _aggregates.Dispose();
        if (_ownsMeter) _meter.Dispose();
    }
}
