using Gateway.Server.Calls;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gateway.Server.Api;

/// <summary>GET /api/v1/calls, GET /api/v1/calls/{id}, DELETE /api/v1/calls/{id} (hang up).</summary>
internal static class CallsApi
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/calls", (ICallDirectory calls) => TypedResults.Ok<IReadOnlyList<CallResource>>([.. calls.Snapshot().Select(CallResource.Of)]))
            .WithName("ListCalls").WithSummary("Live calls with their route, codec, state and live loss/jitter");

        api.MapGet("/calls/{id}", Results<Ok<CallResource>, ProblemHttpResult> (string id, ICallDirectory calls) =>
                calls.Find(id) is { } call ? TypedResults.Ok(CallResource.Of(call)) : ApiProblems.NotFound($"No live call '{id}'."))
            .WithName("GetCall").WithSummary("One live call");

        api.MapDelete("/calls/{id}", Results<NoContent, ProblemHttpResult> (string id, ICallDirectory calls, HttpContext http, ILoggerFactory loggers) =>
            {
                var caller = ApiCaller.Describe(http);
                if (calls.Find(id) is not { } call || !calls.HangUp(id, caller)) return ApiProblems.NotFound($"No live call '{id}'.");
                ApiLog.CallHungUp(loggers.CreateLogger(ApiSetup.LogCategory), id, call.From, call.To, caller);
                return TypedResults.NoContent();
            })
            .WithName("HangUpCall").WithSummary("Hangs the call up on both sides with the operator's cause: BYE with Reason: SIP;cause=200;text=\"Terminated by operator\" (CANCEL or 487 before answer), hangup to the browser, the CDR's endedBy");
    }
}
