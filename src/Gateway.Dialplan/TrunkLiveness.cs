namespace Gateway.Dialplan;

/// <summary>
/// A trunk's liveness settings (dialplan keys <c>invite_timeout</c>, <c>probe</c>, <c>probe_interval</c>, <c>probe_failures</c>).
/// </summary>
/// <param name="InviteTimeout">No provisional response to an INVITE within this: the attempt is abandoned and the next trunk tried.</param>
/// <param name="Probe">Whether the gateway sends OPTIONS keep-alives (RFC 3261 §11) to the trunk.</param>
/// <param name="ProbeInterval">Time between two probes.</param>
/// <param name="ProbeFailures">Consecutive failed probes that mark the trunk down; one answered probe marks it up.</param>
public sealed record TrunkLiveness(TimeSpan InviteTimeout, bool Probe, TimeSpan ProbeInterval, int ProbeFailures)
{
    public static readonly TimeSpan DefaultInviteTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan DefaultProbeInterval = TimeSpan.FromSeconds(30);
    public const int DefaultProbeFailures = 3;

    /// <summary>A one-off <c>uri:</c> target: the INVITE timeout only, no probing.</summary>
    public static TrunkLiveness Default { get; } = new(DefaultInviteTimeout, false, DefaultProbeInterval, DefaultProbeFailures);

    /// <summary>
    /// A trunk has a fixed address when its URI names an IP address or an explicit port: then one OPTIONS tells whether
    /// that one next hop is alive (RFC 3263 §4.2 does no SRV lookup there). Such trunks are probed unless probe: false.
    /// </summary>
    public static bool HasFixedAddress(string uri)
    {
        var rest = uri.AsSpan();
        var colon = rest.IndexOf(':');
        if (colon < 0) return false;
        rest = rest[(colon + 1)..];
        var at = rest.IndexOf('@');
        if (at >= 0) rest = rest[(at + 1)..];
        var end = rest.IndexOfAny(';', '?');
        if (end >= 0) rest = rest[..end];
        if (rest.StartsWith("[")) return true; // IPv6 reference (RFC 3261 §25.1)
        var port = rest.LastIndexOf(':');
        var host = port >= 0 ? rest[..port] : rest;
        return port >= 0 || System.Net.IPAddress.TryParse(host, out _);
    }
}
