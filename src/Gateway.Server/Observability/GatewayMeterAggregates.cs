using System.Diagnostics.Metrics;

namespace Gateway.Server.Observability;

/// <summary>The instruments of one <see cref="GatewayMetrics"/>, so the aggregates can tell them apart by reference.</summary>
internal sealed record GatewayInstruments(
    UpDownCounter<long> Active, Counter<long> Started, Counter<long> Ended, Histogram<double> Setup, Histogram<double> PostDialDelay,
    Counter<long> SipResponses, Counter<long> PacketsLost, Counter<long> PacketsExpected);

/// <summary>
/// What GET /metrics renders, summed from the measurements of one meter's instruments by a <see cref="MeterListener"/>
/// that listens to that meter only. Every slot is preallocated and updated with Interlocked: no allocation per measurement.
/// </summary>
internal sealed class GatewayMeterAggregates : IDisposable
{
    private readonly Meter _meter;
    private readonly GatewayInstruments _instruments;
    private readonly MeterListener _listener = new();
    private readonly long[] _callsByOutcome = new long[GatewayMetrics.Outcomes.Count];
    private readonly long[] _sipResponses = new long[600]; // status 100..699 (RFC 3261 §7.2)
    private long _activeCalls;
    private long _callsStarted;
    private long _packetsLost;
    private long _packetsExpected;

    public GatewayMeterAggregates(Meter meter, GatewayInstruments instruments)
    {
        _meter = meter;
        _instruments = instruments;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, _meter)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>(OnLong);
        _listener.SetMeasurementEventCallback<double>(OnDouble);
        _listener.Start();
    }

    public LatencyHistogram Setup { get; } = new(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120);

    public LatencyHistogram PostDialDelay { get; } = new(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5);

    public long ActiveCalls => Volatile.Read(ref _activeCalls);
    public long CallsStarted => Volatile.Read(ref _callsStarted);
    public long PacketsLost => Volatile.Read(ref _packetsLost);
    public long PacketsExpected => Volatile.Read(ref _packetsExpected);

    public long CallsEnded(int outcomeIndex) => Volatile.Read(ref _callsByOutcome[outcomeIndex]);

    public long SipResponses(int statusCode) => Volatile.Read(ref _sipResponses[statusCode - 100]);

    private void OnLong(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        var i = _instruments;
        if (ReferenceEquals(instrument, i.Active)) Interlocked.Add(ref _activeCalls, value);
        else if (ReferenceEquals(instrument, i.Started)) Interlocked.Add(ref _callsStarted, value);
        else if (ReferenceEquals(instrument, i.Ended)) Interlocked.Add(ref _callsByOutcome[GatewayMetrics.OutcomeIndex(Tag(tags, "outcome") as string)], value);
        else if (ReferenceEquals(instrument, i.SipResponses))
        {
            if (Tag(tags, "code") is int code && code is >= 100 and <= 699) Interlocked.Add(ref _sipResponses[code - 100], value);
        }
        else if (ReferenceEquals(instrument, i.PacketsLost)) Interlocked.Add(ref _packetsLost, value);
        else if (ReferenceEquals(instrument, i.PacketsExpected)) Interlocked.Add(ref _packetsExpected, value);
    }

    private void OnDouble(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (ReferenceEquals(instrument, _instruments.Setup)) Setup.Observe(value);
        else if (ReferenceEquals(instrument, _instruments.PostDialDelay)) PostDialDelay.Observe(value);
    }

    private static object? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key)
    {
        foreach (var tag in tags)
            if (string.Equals(tag.Key, key, StringComparison.Ordinal)) return tag.Value;
        return null;
    }

    public void Dispose() => _listener.Dispose();
}
