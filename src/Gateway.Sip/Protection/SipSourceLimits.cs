namespace Gateway.Sip.Protection;

/// <summary>
/// Per-source-address limits on the SIP receive path, in the manner of Kamailio's pike module: each source IP has a
/// token bucket for packets and one for new server transactions, each holding two seconds of its rate; a source that
/// empties a bucket is blocked (everything it sends is dropped without an answer) for <see cref="BlockPeriod"/>.
/// </summary>
public sealed record SipSourceLimits
{
    /// <summary>Sustained packets (UDP datagrams, TCP/TLS messages) per second per source address.</summary>
    public int PacketsPerSecond { get; init; } = 200;
    /// <summary>Sustained new server transactions (requests other than retransmissions and ACK) per second per source.</summary>
    public int TransactionsPerSecond { get; init; } = 50;
    /// <summary>How long a source that went over a limit stays blocked.</summary>
    public TimeSpan BlockPeriod { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Most source addresses tracked at once; the least recently seen one is evicted for a new one.</summary>
    public int MaxTrackedSources { get; init; } = 10_000;

    /// <summary>A bucket holds this many seconds of its rate, so a short burst above the rate passes.</summary>
    public const int BurstSeconds = 2;
}
