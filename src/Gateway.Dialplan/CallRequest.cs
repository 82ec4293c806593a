namespace Gateway.Dialplan;

/// <summary>Who places a call: a web user, a trunk, or an operator's backend through POST /api/v1/calls (routes <c>from: api</c>).</summary>
public enum CallSourceKind { WebUser, Trunk, Api }

/// <summary>Who places a call: a web user by name, a trunk by name, or the API.</summary>
public sealed record CallSource(CallSourceKind Kind, string Name)
{
    /// <summary>Calls originated through the operator API.</summary>
    public static CallSource Api { get; } = new(CallSourceKind.Api, "api");

    /// <summary>"web:alice", "trunk:pstn", "api", or a bare name (a web user).</summary>
    public static CallSource Parse(string text) =>
        text == "api" ? Api
        : text.StartsWith("trunk:", StringComparison.Ordinal) ? new(CallSourceKind.Trunk, text[6..])
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
