namespace Gateway.Server.Observability;

/// <summary>
/// A Prometheus-style histogram with fixed upper bounds (seconds). Observations are lock-free (Interlocked) and allocation-free;
/// the sum is kept in microseconds so it can be added atomically.
/// </summary>
internal sealed class LatencyHistogram
{
    private readonly double[] _bounds;
    private readonly long[] _counts; // per bucket (not cumulative); the last slot is +Inf
    private long _sumMicroseconds;

    public LatencyHistogram(params double[] upperBounds)
    {
        if (upperBounds.Length == 0 || upperBounds.Zip(upperBounds.Skip(1)).Any(p => p.First >= p.Second))
            throw new ArgumentException("Bucket bounds must be strictly increasing and not empty.", nameof(upperBounds));
        _bounds = upperBounds;
        _counts = new long[upperBounds.Length + 1];
    }

    public IReadOnlyList<double> UpperBounds => _bounds;

    public void Observe(TimeSpan value) => Observe(value.TotalSeconds);

    public void Observe(double seconds)
    {
        seconds = Math.Max(0, seconds);
        var i = 0;
        while (i < _bounds.Length && seconds > _bounds[i])
            i++;
        Interlocked.Increment(ref _counts[i]);
        Interlocked.Add(ref _sumMicroseconds, (long)(seconds * 1_000_000));
    }

    /// <summary>A consistent-enough copy for rendering: cumulative counts per bound (last = +Inf = count) and the sum in seconds.</summary>
    public (long[] Cumulative, double SumSeconds) Snapshot()
    {
        var cumulative = new long[_counts.Length];
        long running = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            running += Volatile.Read(ref _counts[i]);
            cumulative[i] = running;
        }
        return (cumulative, Volatile.Read(ref _sumMicroseconds) / 1_000_000.0);
    }
}
