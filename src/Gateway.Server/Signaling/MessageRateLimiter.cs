namespace Gateway.Server.Signaling;

/// <summary>
/// Per-connection token bucket over client messages. Seconds in which a message was refused are counted;
/// enough consecutive ones mark abuse. Used by one read loop only (not thread-safe).
/// </summary>
internal sealed class MessageRateLimiter(double ratePerSecond, int burst, int abuseSeconds, TimeProvider time)
{
    private readonly long _origin = time.GetTimestamp();
    private double _tokens = burst;
    private long _last = time.GetTimestamp();
    private long _lastOverSecond = long.MinValue;
    private int _consecutiveOverSeconds;

    public RateDecision Take()
    {
        var now = time.GetTimestamp();
        _tokens = Math.Min(burst, _tokens + time.GetElapsedTime(_last, now).TotalSeconds * ratePerSecond);
        _last = now;
        if (_tokens >= 1)
        {
            _tokens -= 1;
            return RateDecision.Allowed;
        }

        var second = (long)time.GetElapsedTime(_origin, now).TotalSeconds;
        if (second == _lastOverSecond) return RateDecision.Limited;
        _consecutiveOverSeconds = second == _lastOverSecond + 1 ? _consecutiveOverSeconds + 1 : 1;
        _lastOverSecond = second;
        return _consecutiveOverSeconds >= abuseSeconds ? RateDecision.Abuse : RateDecision.LimitedNotify;
    }
}
