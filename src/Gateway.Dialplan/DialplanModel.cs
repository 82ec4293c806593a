using System.Text.RegularExpressions;

namespace Gateway.Dialplan;

/// <summary>A named SIP trunk: where calls go, how to authenticate, what it may carry.</summary>
public sealed record TrunkDefinition(string Name, string Uri, string Transport, string? Username, string? Password, bool Register,
    IReadOnlyList<string> Codecs, string DtmfMode, int? MaxChannels, IReadOnlyList<string> InboundSources)
{
    /// <summary>How fast a dead trunk is noticed: the INVITE timeout and the OPTIONS keep-alive (dialplan/README.md "Failover").</summary>
    public TrunkLiveness Liveness { get; init; } = TrunkLiveness.Default;

    /// <summary><c>record:</c> whether calls through this trunk are recorded when their route does not say (null: not set).</summary>
    public bool? Record { get; init; }
    /// <summary>The registrar and expiry of <c>register: true</c> (dialplan/README.md "Registration").</summary>
    public TrunkRegistration Registration { get; init; } = TrunkRegistration.Default;
    /// <summary>SRTP with SDES keys on the trunk's media (<c>srtp:</c>, RFC 4568).</summary>
    public TrunkSrtpMode Srtp { get; init; }
    /// <summary>Full path of the PEM CA file the trunk's TLS certificate must chain to (<c>tls_ca:</c>); null: the system trust store.</summary>
    public string? TlsCaFile { get; init; }
    /// <summary>dialplan <c>web_codec</c>: what the browser gets on calls through this trunk (a route may override it).</summary>
    public WebCodecMode WebCodec { get; init; } = WebCodecMode.Passthrough;
    /// <summary><c>prack:</c> RFC 3262 reliable provisional responses both ways (default supported).</summary>
    public TrunkPrackMode Prack { get; init; } = TrunkPrackMode.Supported;
    /// <summary>From user and host, identity header, privacy and user=phone of calls placed on this trunk (a route may override each).</summary>
    public CallerIdentity Identity { get; init; } = CallerIdentity.None;
    /// <summary><c>redirect:</c> the header naming the transferor on a call the gateway places for a transfer.</summary>
    public RedirectHeaderKind Redirect { get; init; }
    /// <summary><c>trust_identity:</c> its INVITEs' P-Asserted-Identity names the caller shown to the browser (RFC 3325 §9.1; default true).</summary>
    public bool TrustIdentity { get; init; } = true;

    /// <summary><see cref="InboundSources"/> parsed once, when the dialplan is loaded (the loader refuses an invalid CIDR).</summary>
    public IReadOnlyList<System.Net.IPNetwork> InboundNetworks { get; } =
        [.. InboundSources.Select(s => System.Net.IPNetwork.TryParse(s, out var n) ? n : (System.Net.IPNetwork?)null).OfType<System.Net.IPNetwork>()];

    /// <summary>Whether <paramref name="address"/> lies in one of this trunk's inbound sources (IPv4-mapped IPv6 as IPv4).</summary>
    public bool IsInboundSource(System.Net.IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        foreach (var network in InboundNetworks)
            if (network.Contains(address)) return true;
        return false;
    }
}

/// <summary>A rewrite of dialed strings toward E.164, applied in order; the first match wins.</summary>
public sealed record NormalizeRule(Regex Match, string Replacement);

/// <summary>Where a call may come from: anyone, any web user, one web user, one trunk, or the operator API.</summary>
public sealed record SourceFilter(string Kind, string? Name)
{
    public static SourceFilter Any { get; } = new("any", null);

    public bool Matches(CallSource source) => Kind switch
    {
        "any" => true,
        "web" => source.Kind == CallSourceKind.WebUser,
        "user" => source.Kind == CallSourceKind.WebUser && source.Name == Name,
        "trunk" => source.Kind == CallSourceKind.Trunk && source.Name == Name,
        "api" => source.Kind == CallSourceKind.Api,
        _ => false,
    };
}

/// <summary>When a route applies: days of week and a local time range in an IANA time zone.</summary>
public sealed record TimeWindow(IReadOnlySet<DayOfWeek> Days, TimeOnly From, TimeOnly To, TimeZoneInfo Zone)
{
    public bool Contains(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, Zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        if (!Days.Contains(local.DayOfWeek)) return false;
        return From <= To ? time >= From && time < To : time >= From || time < To;
    }
}

/// <summary>What a route does with a call.</summary>
public enum RouteActionKind { Trunk, Uri, User, App, Reject }

public sealed record RouteAction(RouteActionKind Kind, IReadOnlyList<string> Trunks, string? Target, int? RejectCode)
{
    /// <summary>For a <c>uri:</c> action, the host its template names (lower case); null when the host is substituted.</summary>
    public string? TemplateHost =>
        Kind == RouteActionKind.Uri && Target is { } t && !HostPort(t).Contains('$') && DialTarget.Parse(t) is { Host: { } host } ? host : null;

    /// <summary>RFC 3261 §19.1.1: what follows the last '@' (or the scheme), up to the parameters.</summary>
    private static string HostPort(string uri)
    {
        var start = Math.Max(uri.LastIndexOf('@') + 1, uri.IndexOf(':') + 1);
        var end = uri.IndexOfAny([';', '?'], start);
        return end < 0 ? uri[start..] : uri[start..end];
    }
}

/// <summary>One ordered routing rule.</summary>
public sealed record RouteRule(string Name, string? Prefix, Regex? Pattern, SourceFilter Source, TimeWindow? Window,
    RouteAction Action, string? CallerId, IReadOnlySet<string> Allow, int Line, bool AllowAnyHost = false)
{
    /// <summary><c>record:</c> whether this route's calls are recorded; it overrides the trunk's (null: not set).</summary>
    public bool? Record { get; init; }
    /// <summary>dialplan <c>web_codec</c> on the route: overrides the trunk's when set.</summary>
    public WebCodecMode? WebCodec { get; init; }
    /// <summary>The route's caller identity keys (from_host, identity, privacy, user_phone); <see cref="CallerId"/> is its From user.</summary>
    public CallerIdentity Identity { get; init; } = CallerIdentity.None;

    /// <summary>Matches the normalized number; returns the regex match (for $1 substitution) or null.</summary>
    public bool TryMatch(string number, out Match? match)
    {
        match = null;
        if (Prefix is not null) return number.StartsWith(Prefix, StringComparison.Ordinal);
        match = Pattern!.Match(number);
        return match.Success;
    }
}

/// <summary>
/// dialplan <c>web_codec</c>: <c>passthrough</c> relays a codec both sides share (and transcodes the browser's Opus only
/// when they share none); <c>opus</c> always gives the browser Opus, transcoded to the SIP side's G.711/G.722.
/// </summary>
public enum WebCodecMode { Passthrough, Opus }
