using System.Text.Json;
using Gateway.Server.Calls;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gateway.Server.Api;

/// <summary>POST /api/v1/calls: originate (click-to-call), 201 + Location, or a problem saying why not.</summary>
internal static class OriginateApi
{
    public const int MaxBodyBytes = 8192;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/calls", async Task<Results<Created<OriginatedCallResource>, ValidationProblem, ProblemHttpResult>> (
                HttpContext http, ICallOriginator originator, CallbackSinks callbacks, ILoggerFactory loggers) =>
            {
                var (request, problem) = await ReadAsync(http.Request, http.RequestAborted);
                if (problem is not null) return problem;
                if (request!.Validate() is { Count: > 0 } errors) return TypedResults.ValidationProblem(errors, title: "Invalid originate request");
                var caller = ApiCaller.Describe(http);
                var callback = request.CallbackUrl is { } url ? new Uri(url) : null;
                var app = request.App?.Trim();
                var result = originator.Originate(new OriginateRequest(request.To!.Trim(), request.User, app, request.Phone), caller,
                    id => callback is null ? null : callbacks.Create(id, callback));
                if (result.Refusal is { } refusal) return Refused(refusal, result);
                ApiLog.CallOriginated(loggers.CreateLogger(ApiSetup.LogCategory), result.Id!, result.Number,
                    request.User is { } user ? "web user " + user : request.Phone is { } phone ? "phones of " + phone : "app " + app, caller);
                return TypedResults.Created($"{ApiSetup.Prefix}/calls/{Uri.EscapeDataString(result.Id!)}",
                    new OriginatedCallResource(result.Id!, result.Number, request.User, result.Route, request.CallbackUrl, app, request.Phone));
            })
            .Accepts<OriginateCallRequest>("application/json")
            .WithName("OriginateCall")
            .WithSummary("Dials a number through the dialplan (source api), then rings a web user (user) or a directory user's registered SIP phones (phone) and bridges the first to answer, or an app (echo, playback, conference) serves the call; steps POSTed to callbackUrl");
    }

    private static ProblemHttpResult Refused(OriginateRefusal refusal, OriginateResult result)
    {
        var extensions = new Dictionary<string, object?> { ["number"] = result.Number, ["route"] = result.Route, ["sipStatus"] = result.Code };
        var (status, title) = refusal switch
        {
            OriginateRefusal.Draining => (StatusCodes.Status503ServiceUnavailable, "Not available"),
            OriginateRefusal.Denied => (StatusCodes.Status403Forbidden, "Denied by the dialplan"),
            OriginateRefusal.NotDialable => (StatusCodes.Status422UnprocessableEntity, "Route does not dial out"),
            OriginateRefusal.AppUnavailable => (StatusCodes.Status422UnprocessableEntity, "Application cannot serve the call"),
            OriginateRefusal.PhoneUnavailable => (StatusCodes.Status409Conflict, "No registered phone can take the call"),
            _ => (StatusCodes.Status409Conflict, "Web user cannot take the call"),
        };
        return TypedResults.Problem(result.Detail, statusCode: status, title: title, extensions: extensions);
    }

    private static async Task<(OriginateCallRequest?, ProblemHttpResult?)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
            return (null, ApiProblems.UnsupportedMediaType("Send Content-Type: application/json, e.g. {\"to\":\"+441632960000\",\"user\":\"alice\"}."));
        if (request.ContentLength > MaxBodyBytes) return (null, ApiProblems.TooLarge($"The body may be at most {MaxBodyBytes} bytes."));
        var buffer = new byte[MaxBodyBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0) length += read;
        if (length > MaxBodyBytes) return (null, ApiProblems.TooLarge($"The body may be at most {MaxBodyBytes} bytes."));
        try
        {
            return (JsonSerializer.Deserialize(buffer.AsSpan(0, length), ApiJsonContext.Default.OriginateCallRequest)
                ?? throw new JsonException("null body"), null);
        }
        catch (JsonException e)
        {
            return (null, ApiProblems.BadRequest("The request body is not valid JSON: " + e.Message + " Expected e.g. {\"to\":\"+441632960000\",\"user\":\"alice\"}."));
        }
    }
}
