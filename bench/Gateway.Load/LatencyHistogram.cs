namespace Gateway.Load;

/// <summary>
/// Lock-free histogram of durations in 10 us buckets up to 1 s (one overflow bucket above), for per-packet
/// round trips: recording is one Interlocked.Increment, no allocation.
/// </summary>
public sealed class LatencyHistogram
{
    private const double BucketMicros = 10;
    private const int Buckets = 100_000;
    private readonly long[] _counts = new long[Buckets + 1];
    private long _total;

    public long Count => Interlocked.Read(ref _total);

    public void Record(double micros)
    {
        var bucket = micros <= 0 ? 0 : micros >= Buckets * BucketMicros ? Buckets : (int)(micros / BucketMicros);
        Interlocked.Increment(ref _counts[bucket]);
        Interlocked.Increment(ref _total);
    }

    /// <summary>The upper edge of the bucket holding quantile <paramref name="q"/> (0..1), in milliseconds; NaN when empty.</summary>
    public double PercentileMs(double q)
    {
        var total = Count;
        if (total == 0) return double.NaN;
        var rank = (long)Math.Ceiling(q * total);
        if (rank < 1) rank = 1;
        long seen = 0;
        for (var i = 0; i <= Buckets; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= rank) return (i + 1) * BucketMicros / 1000;
        }
        return Buckets * BucketMicros / 1000;
    }
}

/// <summary>Per-call durations (setup, DTLS): a few thousand samples at most, kept exactly.</summary>
public sealed class SampleSet
{
    private readonly List<double> _values = [];
    private readonly Lock _lock = new();

    public int Count { get { lock (_lock) return _values.Count; } }

    public void Add(double value)
    {
        lock (_lock) _values.Add(value);
    }

    /// <summary>Nearest-rank percentile (q in 0..1); NaN when empty.</summary>
    public double Percentile(double q)
    {
        double[] sorted;
        lock (_lock) sorted = [.. _values];
        if (sorted.Length == 0) return double.NaN;
        Array.Sort(sorted);
        var rank = (int)Math.Ceiling(q * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
