namespace Gateway.Load;

/// <summary>Run-wide counters and distributions, shared by every call; per-packet updates are Interlocked only.</summary>
public sealed class LoadMetrics
{
    private readonly Dictionary<string, int> _failures = [];
    private readonly List<string> _failureSamples = [];
    private readonly Lock _lock = new();

    public long PacketsSent;
    public long PacketsEchoed;
    public long PacketsRejected; // SRTP auth/replay failures, foreign payloads
    public int CallsStarted;
    public int CallsUp;
    public int PeakCallsUp;
    public int CallsCompleted;
    public int FailedSetups;
    public int DroppedCalls;

    public int SettingUp; // calls between start and media up (or failure)

    public LatencyHistogram RoundTrip { get; } = new();

    /// <summary>Round trips measured while no call was being set up (the plateau of a run: no DTLS handshakes, no setup GC).</summary>
    public LatencyHistogram RoundTripPlateau { get; } = new();
    public SampleSet SetupMs { get; } = new();
    public SampleSet IceMs { get; } = new();
    public SampleSet DtlsMs { get; } = new();

    // Echo-stream totals of finished calls (RFC 3550 A.3 style: expected from the sequence span).
    private long _expected, _received, _jitterSamples;
    private double _jitterSumMs, _mediaSeconds;

    /// <summary>Counts a new call and marks it as setting up until the returned scope completes or is disposed.</summary>
    public SetupScope StartCall()
    {
        Interlocked.Increment(ref CallsStarted);
        Interlocked.Increment(ref SettingUp);
        return new SetupScope(this);
    }

    public sealed class SetupScope(LoadMetrics metrics) : IDisposable
    {
        private int _done;

        /// <summary>Media is up (or the call failed): no longer setting up. Idempotent.</summary>
        public void Complete()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) Interlocked.Decrement(ref metrics.SettingUp);
        }

        public void Dispose() => Complete();
    }

    public void CallUp()
    {
        var up = Interlocked.Increment(ref CallsUp);
        int peak;
        while (up > (peak = Volatile.Read(ref PeakCallsUp)) && Interlocked.CompareExchange(ref PeakCallsUp, up, peak) != peak) { }
    }

    public void CallDown() => Interlocked.Decrement(ref CallsUp);

    /// <summary>A setup failure, by stage ("ws", "answer 486", "ice", "dtls", ...), with one detailed sample kept per stage.</summary>
    public void SetupFailed(string stage, string detail)
    {
        Interlocked.Increment(ref FailedSetups);
        Note(stage, detail);
    }

    public void Dropped(string detail)
    {
        Interlocked.Increment(ref DroppedCalls);
        Note("dropped", detail);
    }

    private void Note(string stage, string detail)
    {
        lock (_lock)
        {
            _failures[stage] = _failures.GetValueOrDefault(stage) + 1;
            if (_failures[stage] == 1 && _failureSamples.Count < 20) _failureSamples.Add($"{stage}: {detail}");
        }
    }

    public void AddEcho(EchoStats echo, double mediaSeconds)
    {
        lock (_lock)
        {
            _expected += echo.Expected;
            _received += echo.Received;
            _mediaSeconds += mediaSeconds;
            if (echo.Received > 1)
            {
                _jitterSumMs += echo.JitterMs;
                _jitterSamples++;
            }
        }
    }

    public (long Expected, long Received, double MeanJitterMs, double MediaSeconds) EchoTotals()
    {
        lock (_lock) return (_expected, _received, _jitterSamples == 0 ? double.NaN : _jitterSumMs / _jitterSamples, _mediaSeconds);
    }

    public string FailureSummary()
    {
        lock (_lock)
            return _failures.Count == 0 ? "none" : string.Join(", ", _failures.OrderByDescending(f => f.Value).Select(f => $"{f.Key}={f.Value}"));
    }

    public IReadOnlyList<string> FailureSamples()
    {
        lock (_lock) return [.. _failureSamples];
    }
}
