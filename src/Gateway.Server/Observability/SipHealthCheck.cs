using Gateway.Sip.Protection;

namespace Gateway.Server.Observability;

/// <summary>GET /healthz: 200 "ok", or 503 naming each SIP receive loop that is down and why.</summary>
internal static class SipHealthCheck
{
    private const string ContentType = "text/plain; charset=utf-8";

    public static IResult Result(SipReceiveHealth? health)
    {
        if (health is null || health.IsHealthy) return Results.Text("ok", ContentType);
        var reasons = string.Join("\n", health.DownLoops.Select(d => $"SIP receive loop {d.Key} down: {d.Value}"));
        return Results.Text(reasons, ContentType, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
