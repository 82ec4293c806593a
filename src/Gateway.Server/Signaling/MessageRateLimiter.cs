namespace Gateway.Server.Signaling;

/// <summary>Outcome of <see cref="MessageRateLimiter.Take"/>.</summary>
internal enum RateDecision
{
    Allowed,
    /// <summary>Over the rate: drop the message and tell the client (once per second).</summary>
    LimitedNotify,
    /// <summary>Over the rate, already told this second: drop silently.</summary>
    Limited,
    /// <summary>Over the rate for RateLimitAbuseSeconds consecutive seconds: close with 1008.</summary>
    Abuse,
}

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
