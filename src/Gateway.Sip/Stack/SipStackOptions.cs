using Gateway.Sip.Transactions;

namespace Gateway.Sip.Stack;

/// <summary>Settings of a <see cref="SipStack"/>.</summary>
public sealed record SipStackOptions
{
    public SipTimerSettings Timers { get; init; } = SipTimerSettings.Default;
    /// <summary>User-Agent / Server header value.</summary>
    public string UserAgent { get; init; } = "Gateway";
}
