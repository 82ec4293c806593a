namespace Gateway.Server.SipHosting;

/// <summary>
/// The flood bounds of the "Sip" section (bound next to <see cref="Calls.GatewaySipOptions"/> from the same section):
/// per-source rate limits, transaction and connection caps, TCP/TLS timeouts and the drop summary interval.
/// Addresses in any trunk's inbound_sources are never rate-limited.
/// </summary>
public sealed class SipProtectionOptions
{
    public const string Section = "Sip";

    /// <summary>Packets per second per untrusted source address (a bucket holds 2 s of it); 0 disables the per-source limits.</summary>
    public int SourcePacketsPerSecond { get; set; } = 200;
    /// <summary>New server transactions per second per untrusted source address (a bucket holds 2 s of it).</summary>
    public int SourceTransactionsPerSecond { get; set; } = 50;
    /// <summary>A source over a limit is dropped silently for this long.</summary>
    public TimeSpan SourceBlockPeriod { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Source addresses tracked by the limiter; the least recently seen is evicted for a new one.</summary>
    public int MaxTrackedSources { get; set; } = 10_000;
    /// <summary>Server transactions at once; past it new requests get 503.</summary>
    public int MaxServerTransactions { get; set; } = 10_000;
    /// <summary>Client transactions at once; past it new requests fail locally with 503.</summary>
    public int MaxClientTransactions { get; set; } = 10_000;
    /// <summary>TCP/TLS connections at once, per transport.</summary>
    public int MaxConnections { get; set; } = 1024;
    /// <summary>Accepted TCP/TLS connections at once from one source address, per transport.</summary>
    public int MaxConnectionsPerSource { get; set; } = 32;
    /// <summary>A TCP/TLS connection that has sent a message is closed after this long without traffic.</summary>
    public TimeSpan ConnectionIdleTimeout { get; set; } = TimeSpan.FromMinutes(3);
    /// <summary>An accepted TCP/TLS connection that has not sent a complete message within this long is closed.</summary>
    public TimeSpan FirstMessageTimeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>
    /// Kernel receive buffer of each SIP UDP socket, so a burst (a flood beside real traffic) queues instead of dropping the
    /// trunk's responses. Above net.core.rmem_max it is forced when the process may (root); the size obtained is logged.
    /// </summary>
    public int UdpReceiveBufferBytes { get; set; } = 4 * 1024 * 1024;
    /// <summary>Dropped and malformed input is logged as one summary line per this interval.</summary>
    public TimeSpan DropLogInterval { get; set; } = TimeSpan.FromSeconds(10);
}
