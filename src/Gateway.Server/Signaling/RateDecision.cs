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
