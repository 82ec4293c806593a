using Gateway.Server.Calls;

namespace Gateway.Server.Api;

/// <summary>One live call as GET /api/v1/calls shows it. <c>direction</c> is outbound, inbound or originated; <c>state</c> is routing, calling, ringing, early_media, offering, connecting, active or cancelling.</summary>
public sealed record CallResource(
    string Id,
    string Direction,
    string From,
    string To,
    string? Route,
    string? Trunk,
    string? Codec,
    string State,
    DateTimeOffset StartedAt,
    DateTimeOffset? AnsweredAt,
    double DurationSeconds,
    CallMediaSnapshot? Media)
{
    public static CallResource Of(CallSnapshot call) => new(call.Id,
        call.Direction switch { CallDirection.Inbound => "inbound", CallDirection.Originated => "originated", _ => "outbound" }, call.From, call.To, call.Route, call.Trunk, call.Codec,
        StateName(call.State), call.StartedAt, call.AnsweredAt, Math.Round(call.Duration.TotalSeconds, 3), call.Media);

    public static string StateName(CallPhase phase) => phase switch
    {
        CallPhase.Routing => "routing",
        CallPhase.Calling => "calling",
        CallPhase.Ringing => "ringing",
        CallPhase.EarlyMedia => "early_media",
        CallPhase.Offering => "offering",
        CallPhase.Connecting => "connecting",
        CallPhase.Active => "active",
        CallPhase.Cancelling => "cancelling",
        _ => "ended",
    };
}
