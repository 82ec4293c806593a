using Gateway.Dialplan;
using Gateway.Server.Hosting;
using Gateway.Server.Observability;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Api;

/// <summary>GET /api/v1/trunks, /registrations, /stats/calls-per-minute and POST /api/v1/drain.</summary>
internal static class StatusApi
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/trunks", Results<Ok<IReadOnlyList<TrunkResource>>, ProblemHttpResult> (IServiceProvider services) =>
            {
                if (services.GetService<DialplanWatcher>() is not { } dialplan) return ApiProblems.Unavailable("No dialplan is loaded (the call layer is not running).");
                var health = services.GetService<TrunkFailover>()?.Snapshot() ?? [];
                var registrations = services.GetService<Trunks.TrunkRegistrations>()?.Snapshot();
                return TypedResults.Ok(TrunkResource.From(dialplan.Current, health, registrations));
            })
            .WithName("ListTrunks").WithSummary("Trunks of the active dialplan: keep-alive, breaker, failures and registration");

        api.MapGet("/registrations", (IRegistrationDirectory registrations) => TypedResults.Ok(registrations.Snapshot()))
            .WithName("ListRegistrations").WithSummary("SIP registrar bindings of the dialplan's users");

        api.MapGet("/stats/calls-per-minute", (GatewayMetrics metrics) =>
            {
                var (first, counts) = metrics.CallRate.Snapshot();
                return TypedResults.Ok(new CallRateResource(first, counts));
            })
            .WithName("CallsPerMinute").WithSummary("Calls started per minute over the last hour, oldest first");

        api.MapPost("/drain", (GatewayDrain drain, IHostApplicationLifetime lifetime, IOptions<GatewayHostingOptions> options, HttpContext http, ILoggerFactory loggers) =>
            {
                var first = !drain.Started;
                ApiLog.DrainRequested(loggers.CreateLogger(ApiSetup.LogCategory), ApiCaller.Describe(http), !first);
                _ = drain.DrainAsync().ContinueWith(_ => lifetime.StopApplication(), TaskScheduler.Default);
                return TypedResults.Accepted((string?)null, new DrainResource(true, first, options.Value.DrainTimeout.TotalSeconds));
            })
            .WithName("Drain").WithSummary("Refuses new calls, hangs up the rest after Gateway:DrainTimeout, then stops the gateway");
    }
}
