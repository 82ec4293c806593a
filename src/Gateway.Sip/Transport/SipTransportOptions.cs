namespace Gateway.Sip.Transport;

/// <summary>Bounds on the receive path, so a peer cannot exhaust memory or sockets.</summary>
public sealed record SipTransportOptions
{
    /// <summary>Largest message accepted on any transport (UDP datagrams are at most 65,507 bytes anyway).</summary>
    public int MaxMessageSize { get; init; } = 65535;
    /// <summary>Most concurrent TCP/TLS connections (accepted, handshaking or outbound); further accepts are closed at once.</summary>
    public int MaxConnections { get; init; } = 1024;
    /// <summary>Most concurrent accepted TCP/TLS connections from one source address; further accepts from it are closed at once.</summary>
    public int MaxConnectionsPerSource { get; init; } = 32;
    /// <summary>A TCP/TLS connection that has sent a complete message and then no traffic for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(3);
    /// <summary>An accepted TCP/TLS connection that has not sent a complete message within this long is closed.</summary>
    public TimeSpan FirstMessageTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>How long an outbound TCP/TLS connect (and an inbound TLS handshake) may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Kernel receive buffer asked for each UDP socket (<see cref="UdpReceiveBuffer"/>); 0 keeps the system default.</summary>
    public int UdpReceiveBufferBytes { get; init; }
    /// <summary>First delay before a failed receive or accept loop restarts; it doubles up to 10 s while the loop keeps failing.</summary>
    public TimeSpan RestartDelay { get; init; } = TimeSpan.FromMilliseconds(100);
}
