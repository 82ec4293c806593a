using Gateway.Dialplan;
using Gateway.Server.Admin;
using Gateway.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Observability;

/// <summary>Metrics (GET /metrics, Prometheus text 0.0.4), health (GET /healthz) and the CDR writer.</summary>
internal static class ObservabilitySetup
{
    public static IServiceCollection AddGatewayObservability(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<CdrOptions>(configuration.GetSection(CdrOptions.Section));
        services.AddSingleton<GatewayMetrics>();
        services.AddGatewayOtlp(configuration); // Otlp:Endpoint set: the Meter "Gateway" pushed over OTLP
        services.AddHostedService<GatewayMeterObservers>(); // media totals and trunk health as observable instruments
        services.AddSingleton<ICdrWriter>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<CdrOptions>>().Value;
            if (string.IsNullOrWhiteSpace(options.Path))
                return new NullCdrWriter();
            var path = Path.GetFullPath(options.Path, sp.GetRequiredService<IHostEnvironment>().ContentRootPath);
            return new JsonLinesCdrWriter(path, options.QueueCapacity,
                sp.GetRequiredService<ILogger<JsonLinesCdrWriter>>(), sp.GetService<TimeProvider>());
        });
        services.AddHostedService(sp => new CdrWriterLifetime(sp.GetRequiredService<ICdrWriter>() as IHostedService));
        return services;
    }

    public static WebApplication MapGatewayObservability(this WebApplication app)
    {
        // Open to all (load balancers): 503 "draining" tells them to send no more work; 503 also while a SIP receive loop is down.
        app.MapGet("/healthz", (IServiceProvider services) => services.GetService<DrainState>() is { IsDraining: true }
            ? Results.Text("draining", "text/plain; charset=utf-8", statusCode: StatusCodes.Status503ServiceUnavailable)
            : SipHealthCheck.Result(services.GetService<Gateway.Sip.Protection.SipReceiveHealth>()));
        app.MapGet("/metrics", (GatewayMetrics metrics, IServiceProvider services) =>
            Results.Text(PrometheusTextWriter.Render(metrics, MediaTotals.Read(services), services.GetService<TrunkFailover>()?.Snapshot(),
                services.GetService<Gateway.Server.Trunks.TrunkRegistrations>()?.Snapshot(),
                services.GetService<Gateway.Server.Registrar.IRegisteredDevices>()?.Count, AppTotals.Read(services)),
                PrometheusTextWriter.ContentType)).RequireAdminAccess();
        return app;
    }

    /// <summary>Starts and drains the CDR writer with the host (nothing to do when CDRs are disabled).</summary>
    private sealed class CdrWriterLifetime(IHostedService? writer) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => writer?.StartAsync(cancellationToken) ?? Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => writer?.StopAsync(cancellationToken) ?? Task.CompletedTask;
    }
}
