namespace Gateway.Dialplan;

/// <summary>RFC 3262 reliable provisional responses on a trunk (<c>prack:</c>, dialplan/README.md "Caller identity and 100rel").</summary>
public enum TrunkPrackMode
{
    /// <summary>Never: no 100rel in Supported, and an inbound INVITE requiring it is answered 420.</summary>
    Off,
    /// <summary>Outbound Supported: 100rel; inbound, the gateway's 18x go reliably when the INVITE requires it.</summary>
    Supported,
    /// <summary>Outbound Require: 100rel; inbound, reliably whenever the INVITE supports it, 421 when it does not.</summary>
    Required,
}

/// <summary>The network-asserted identity header sent toward a trunk (<c>identity:</c>).</summary>
public enum IdentityHeaderKind
{
    None,
    /// <summary>P-Asserted-Identity (RFC 3325 §9.1): the trunk is in our trust domain.</summary>
    Asserted,
    /// <summary>P-Preferred-Identity (RFC 3325 §9.2): the trunk asserts it after checking.</summary>
    Preferred,
}

/// <summary>How a call the gateway places on behalf of a transfer names who sent it on (<c>redirect:</c>).</summary>
public enum RedirectHeaderKind
{
    None,
    /// <summary>Diversion (RFC 5806).</summary>
    Diversion,
    /// <summary>History-Info (RFC 7044).</summary>
    HistoryInfo,
}

/// <summary>
/// The caller identity keys a trunk and a route may set (dialplan/README.md "Caller identity and 100rel"); a route's
/// value overrides its trunk's, key by key. Null means "not set here".
/// </summary>
public sealed record CallerIdentity(string? FromUser, string? FromHost, IdentityHeaderKind? Header, bool? Withhold, bool? UserPhone)
{
    public static CallerIdentity None { get; } = new(null, null, null, null, null);

    /// <summary>This (a route's) setting over <paramref name="trunk"/>'s.</summary>
    public CallerIdentity Over(CallerIdentity trunk) =>
        new(FromUser ?? trunk.FromUser, FromHost ?? trunk.FromHost, Header ?? trunk.Header, Withhold ?? trunk.Withhold, UserPhone ?? trunk.UserPhone);
}
