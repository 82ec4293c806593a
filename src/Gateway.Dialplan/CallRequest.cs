namespace Gateway.Dialplan;

public enum CallSourceKind { WebUser, Trunk }

/// <summary>Who places a call: a web user by name, or a trunk by name.</summary>
public sealed record CallSource(CallSourceKind Kind, string Name)
{
    /// <summary>"web:alice", "trunk:pstn", or a bare name (a web user).</summary>
    public static CallSource Parse(string text) =>
        text.StartsWith("trunk:", StringComparison.Ordinal) ? new(CallSourceKind.Trunk, text[6..])
        : new(CallSourceKind.WebUser, text.StartsWith("web:", StringComparison.Ordinal) ? text[4..] : text);
}

/// <summary>A call to route: from whom, the dialed string, and when (time windows use it).</summary>
public sealed record CallRequest(CallSource Source, string Destination, DateTimeOffset At);

/// <summary>
/// The routing decision: the normalized number, the route, what to do, trunks in failover order and the caller ID;
/// or a denial with the SIP status to answer.
/// </summary>
public sealed record RouteDecision(
    string Normalized,
    string? Route,
    RouteActionKind? Action,
    IReadOnlyList<string> Trunks,
    string? Target,
    string? CallerId,
    int? RejectCode,
    string? Reason)
{
    public bool IsDenied => RejectCode is not null;

    /// <summary>The route's <c>record:</c> (null when the route does not say; the trunk's setting then applies).</summary>
    public bool? Record { get; init; }
    /// <summary>The matched route's <c>web_codec</c>, when it sets one (it overrides the trunk's).</summary>
    public WebCodecMode? WebCodec { get; init; }
    /// <summary>The matched route's caller identity keys (they override the trunk's).</summary>
    public CallerIdentity Identity { get; init; } = CallerIdentity.None;
}
