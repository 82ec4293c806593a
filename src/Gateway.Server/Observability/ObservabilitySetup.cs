namespace Gateway.Server.Observability;

/// <summary>Metrics and CDRs. STUB: owned by the observability/hosting work.</summary>
internal static class ObservabilitySetup
{
    public static IServiceCollection AddGatewayObservability(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<GatewayMetrics>();
        return services;
    }

    public static WebApplication MapGatewayObservability(this WebApplication app)
    {
        app.MapGet("/healthz", () => "ok");
        return app;
    }
}
