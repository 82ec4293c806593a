using Gateway.Server.Admin;
using Gateway.Server.Calls;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Server.Api;

/// <summary>
/// The operators' REST API under /api/v1 (calls, trunks, registrations, dialplan, drain, stats), its OpenAPI document at
/// /api/v1/openapi.json and the ops page at GET /admin. Everything but the page's HTML (which holds no data) goes
/// through the admin filter: loopback, Admin:AllowedNetworks or an Admin:Tokens bearer.
/// </summary>
public static class ApiSetup
{
    public const string Prefix = "/api/v1";
    public const string DocumentName = "v1";
    public const string LogCategory = "Gateway.Server.Api";

    public static IServiceCollection AddGatewayApi(this IServiceCollection services)
    {
        services.TryAddSingleton<IRegistrationDirectory, NoRegistrations>();
        services.TryAddSingleton<ICallDirectory, NoCallLayer>();
        services.TryAddSingleton<ICallOriginator, NoCallLayer>();
        services.TryAddSingleton<CallbackSinks>();
        services.AddHttpClient(CallbackSinks.ClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = CallbackSinks.RequestTimeout, UseCookies = false });
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default));
        services.AddOpenApi(DocumentName, o =>
        {
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/v1/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Gateway operator API";
                document.Info.Description = "Calls (list, inspect, originate, hang up), trunks, registrations, dialplan and drain. Authorization: Bearer <Admin:Tokens> (or loopback / Admin:AllowedNetworks). Errors are RFC 9457 problem details.";
                return Task.CompletedTask;
            });
        });
        return services;
    }

    public static WebApplication MapGatewayApi(this WebApplication app)
    {
        var api = app.MapGroup(Prefix).RequireAdminAccess();
        CallsApi.Map(api);
        OriginateApi.Map(api);
        StatusApi.Map(api);
        DialplanApi.Map(api);
        app.MapOpenApi("/api/{documentName}/openapi.json").RequireAdminAccess();
        OpsPage.Map(app);
        return app;
    }

    /// <summary>No call layer composed (tests of the API alone): no calls.</summary>
    private sealed class NoCallLayer : ICallDirectory, ICallOriginator
    {
        public OriginateResult Originate(OriginateRequest request, string by, Func<string, ICallProgressSink?> progress) =>
            new(null, request.To, null, OriginateRefusal.Draining, 503, "no call layer is running");
        public IReadOnlyList<CallSnapshot> Snapshot() => [];
        public CallSnapshot? Find(string id) => null;
        public bool HangUp(string id, string by) => false;
    }
}
