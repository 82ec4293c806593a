namespace Gateway.Sip.Transport;

/// <summary>Bounds on the receive path, so a peer cannot exhaust memory or sockets.</summary>
public sealed record SipTransportOptions
{
    /// <summary>Largest message accepted on any transport (UDP datagrams are at most 65,507 bytes anyway).</summary>
    public int MaxMessageSize { get; init; } = 65535;
    /// <summary>Most concurrent TCP/TLS connections; further accepts are closed at once.</summary>
    public int MaxConnections { get; init; } = 1024;
    /// <summary>A TCP/TLS connection with no traffic for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(3);
    /// <summary>How long an outbound TCP/TLS connect may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
