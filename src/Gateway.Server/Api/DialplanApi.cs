using System.Text.Json;
using Gateway.Dialplan;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gateway.Server.Api;

/// <summary>
/// GET /api/v1/dialplan checks the dialplan file as <c>gateway dialplan check</c> does (nothing changes);
/// POST /api/v1/dialplan/reload checks it and, when it has no errors, makes it the active plan. A file with errors is
/// a 422 problem whose <c>errors</c> are the "file:line:column: error: ..." lines, the previous plan staying active.
/// </summary>
internal static class DialplanApi
{
    /// <summary>The reload body is a few bytes ({"dryRun":true}); anything larger is refused before it is read.</summary>
    public const int MaxBodyBytes = 4096;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/dialplan", Results<Ok<DialplanCheckResource>, ProblemHttpResult> (IServiceProvider services) =>
            {
                if (services.GetService<DialplanWatcher>() is not { } watcher) return ApiProblems.Unavailable("No dialplan is loaded (the call layer is not running).");
                return TypedResults.Ok(DialplanCheckResource.From(watcher.FilePath, DialplanLoader.LoadFile(watcher.FilePath), applied: false));
            })
            .WithName("CheckDialplan").WithSummary("Checks the dialplan file (as 'gateway dialplan check') without applying it");

        api.MapPost("/dialplan/reload", async Task<Results<Ok<DialplanCheckResource>, ProblemHttpResult>> (HttpContext http, IServiceProvider services, ILoggerFactory loggers) =>
            {
                if (services.GetService<DialplanWatcher>() is not { } watcher) return ApiProblems.Unavailable("No dialplan is loaded (the call layer is not running).");
                var (request, problem) = await ReadBodyAsync(http.Request, http.RequestAborted);
                if (problem is not null) return problem;
                var logger = loggers.CreateLogger(ApiSetup.LogCategory);
                var caller = ApiCaller.Describe(http);
                var result = request!.DryRun ? DialplanLoader.LoadFile(watcher.FilePath) : watcher.ReloadWithDiagnostics();
                var check = DialplanCheckResource.From(watcher.FilePath, result, applied: !request.DryRun && result.Succeeded);
                var errors = result.Errors.Count();
                if (request.DryRun) ApiLog.DialplanChecked(logger, watcher.FilePath, caller, errors);
                else if (result.Succeeded) ApiLog.DialplanReloaded(logger, watcher.FilePath, caller, check.Routes);
                else ApiLog.DialplanRefused(logger, caller, errors, watcher.FilePath);
                if (result.Succeeded) return TypedResults.Ok(check);
                return ApiProblems.Unprocessable("Dialplan has errors",
                    $"{watcher.FilePath}: {errors} error(s); " + (request.DryRun ? "nothing was changed." : "the previous plan stays active."),
                    new Dictionary<string, object?>
                    {
                        ["errors"] = result.Errors.Select(e => e.ToString()).ToArray(),
                        ["diagnostics"] = check.Diagnostics,
                    });
            })
            .Accepts<DialplanReloadRequest>("application/json")
            .WithName("ReloadDialplan").WithSummary("Checks the dialplan file and makes it active when it has no errors (dryRun: check only)");
    }

    /// <summary>The optional JSON body: empty means the defaults; malformed JSON is a 400 that says where it broke.</summary>
    internal static async Task<(DialplanReloadRequest? Request, ProblemHttpResult? Problem)> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is 0 || (request.ContentLength is null && !request.Headers.ContentType.Any() && !request.Headers.TransferEncoding.Any()))
            return (new DialplanReloadRequest(), null);
        if (request.ContentLength > MaxBodyBytes) return (null, ApiProblems.TooLarge($"The body may be at most {MaxBodyBytes} bytes."));
        if (!request.HasJsonContentType())
            return (null, ApiProblems.UnsupportedMediaType("Send the body as Content-Type: application/json, e.g. {\"dryRun\": true}, or send no body."));
        var buffer = new byte[MaxBodyBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0) length += read;
        if (length > MaxBodyBytes) return (null, ApiProblems.TooLarge($"The body may be at most {MaxBodyBytes} bytes."));
        if (length == 0) return (new DialplanReloadRequest(), null);
        try
        {
            return (JsonSerializer.Deserialize(buffer.AsSpan(0, length), ApiJsonContext.Default.DialplanReloadRequest) ?? new DialplanReloadRequest(), null);
        }
        catch (JsonException e)
        {
            return (null, ApiProblems.BadRequest("The request body is not valid JSON: " + e.Message + " Expected e.g. {\"dryRun\": true}."));
        }
    }
}
