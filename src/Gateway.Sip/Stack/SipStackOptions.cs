using Gateway.Sip.Transactions;

namespace Gateway.Sip.Stack;

/// <summary>Settings of a <see cref="SipStack"/>.</summary>
public sealed record SipStackOptions
{
    public SipTimerSettings Timers { get; init; } = SipTimerSettings.Default;
    /// <summary>User-Agent / Server header value.</summary>
    public string UserAgent { get; init; } = "Gateway";
    /// <summary>Most server transactions (INVITE and non-INVITE) at once; a new request past it gets 503 (RFC 3261 §21.5.4).</summary>
    public int MaxServerTransactions { get; init; } = 10_000;
    /// <summary>Most client transactions at once; a new request past it fails locally with 503 and is not sent.</summary>
    public int MaxClientTransactions { get; init; } = 10_000;
    /// <summary>Retry-After (RFC 3261 §20.33) in the 503 sent when the server transaction table is full.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(5);
}
