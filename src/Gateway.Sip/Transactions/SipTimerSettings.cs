namespace Gateway.Sip.Transactions;

/// <summary>
/// The base timer values of RFC 3261 §17.1.1.1 and table 4: T1 (RTT estimate), T2 (maximum retransmit
/// interval for non-INVITE requests and INVITE responses), T4 (maximum time a message stays in the network).
/// </summary>
public sealed record SipTimerSettings
{
    public TimeSpan T1 { get; init; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan T2 { get; init; } = TimeSpan.FromSeconds(4);
    public TimeSpan T4 { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Timers B, F, H and J: 64*T1.</summary>
    public TimeSpan Timeout => T1 * 64;
    /// <summary>Timer D: at least 32 s over unreliable transports, zero over reliable ones.</summary>
    public TimeSpan TimerD(bool reliable) => reliable ? TimeSpan.Zero : TimeSpan.FromSeconds(32);

    public static SipTimerSettings Default { get; } = new();
}
