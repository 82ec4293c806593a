using System.Net;

namespace Gateway.Media.Bridge;

/// <summary>Where and how the media plane listens. Bound from the "Media" configuration section.</summary>
public sealed class MediaEngineOptions
{
    /// <summary>Address the media sockets bind to.</summary>
    public IPAddress BindAddress { get; set; } = IPAddress.Loopback;

    /// <summary>Address written in SDP (c=, candidates) when the gateway is behind NAT; null means <see cref="BindAddress"/>.</summary>
    public IPAddress? PublicAddress { get; set; }

    /// <summary>Inclusive UDP port range for media sockets (a web port and an even/odd RTP/RTCP pair per session,
    /// fewer with <see cref="SharedWebPort"/>). 0..0 binds OS-chosen ephemeral ports (tests).</summary>
    public int PortMin { get; set; } = 20000;
    public int PortMax { get; set; } = 29999;

    /// <summary>When set, every web leg shares this one UDP port (demultiplexed by ICE ufrag and address); 0 means a port per call.</summary>
    public int SharedWebPort { get; set; }

    /// <summary>No RTP from either leg for this long ends the call (RTP inactivity).</summary>
    public TimeSpan RtpTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for ICE + DTLS to complete after the web leg is configured.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(20);
}
