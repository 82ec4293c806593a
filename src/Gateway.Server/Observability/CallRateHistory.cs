namespace Gateway.Server.Observability;

/// <summary>
/// Calls started per minute over the last hour: a ring of 60 one-minute buckets, each stamped with its minute so a
/// bucket left from an hour ago reads as zero. Fixed size whatever the call rate; recording takes a short lock and allocates nothing.
/// </summary>
public sealed class CallRateHistory(TimeProvider time)
{
    public const int Minutes = 60;

    private readonly long[] _counts = new long[Minutes];
    private readonly long[] _stamps = new long[Minutes]; // minute number (Unix seconds / 60) each bucket counts
    private readonly Lock _gate = new();

    /// <summary>One call started now.</summary>
    public void Record()
    {
        var minute = MinuteNow();
        var i = (int)(minute % Minutes);
        lock (_gate)
        {
            if (_stamps[i] != minute) { _stamps[i] = minute; _counts[i] = 0; }
            _counts[i]++;
        }
    }

    /// <summary>The last <see cref="Minutes"/> minutes, oldest first, the current (partial) minute last; and when the first one began.</summary>
    public (DateTimeOffset FirstMinute, long[] Counts) Snapshot()
    {
        var now = MinuteNow();
        var counts = new long[Minutes];
        lock (_gate)
        {
            for (var k = 0; k < Minutes; k++)
            {
                var minute = now - (Minutes - 1) + k;
                var i = (int)(minute % Minutes);
                counts[k] = _stamps[i] == minute ? _counts[i] : 0;
            }
        }
        return (DateTimeOffset.FromUnixTimeSeconds((now - (Minutes - 1)) * 60), counts);
    }

    private long MinuteNow() => time.GetUtcNow().ToUnixTimeSeconds() / 60;
}
