using System.Net;
using Gateway.Sip.Transactions;

namespace Gateway.Server.Calls;

/// <summary>The "Sip" configuration section (keys fixed in the project brief).</summary>
public sealed class GatewaySipOptions
{
    public string ListenAddress { get; set; } = "0.0.0.0";
    public int UdpPort { get; set; } = 5060;
    /// <summary>0 disables TCP.</summary>
    public int TcpPort { get; set; } = 5060;
    /// <summary>Used only when <see cref="TlsCertificatePath"/> is set.</summary>
    public int TlsPort { get; set; } = 5061;
    public string? TlsCertificatePath { get; set; }
    public string? TlsKeyPath { get; set; }
    public string Domain { get; set; } = "gateway.local";
    /// <summary>Address written in Via/Contact toward trunks (behind NAT); null: the local address toward each peer.</summary>
    public string? PublicAddress { get; set; }
    /// <summary>An unanswered call is CANCELled (outbound) or given up (inbound) after this long.</summary>
    public TimeSpan NoAnswerTimeout { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>RFC 4028 session interval offered in outbound INVITEs, in seconds (0: none).</summary>
    public int SessionExpires { get; set; } = 1800;
    /// <summary>
    /// Accept INVITEs from addresses outside every trunk's inbound_sources (loopback and development only): they are
    /// routed as <c>trunk:unknown</c> and may ring web users. False (the default) answers them 403. REFER is never
    /// honoured from such a source, whatever this says.
    /// </summary>
    public bool AllowUnknownSources { get; set; }
    /// <summary>RFC 3261 T1 in milliseconds (tests shorten it).</summary>
    public int T1Milliseconds { get; set; } = 500;

    internal SipTimerSettings Timers => T1Milliseconds == 500 ? SipTimerSettings.Default
        : new SipTimerSettings { T1 = TimeSpan.FromMilliseconds(T1Milliseconds), T2 = TimeSpan.FromMilliseconds(T1Milliseconds * 8), T4 = TimeSpan.FromMilliseconds(T1Milliseconds * 10) };

    internal IPAddress? PublicIp => PublicAddress is { Length: > 0 } p && IPAddress.TryParse(p, out var ip) ? ip : null;
}
