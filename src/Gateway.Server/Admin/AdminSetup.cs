using Gateway.Server.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Admin;

/// <summary>Operator access (one endpoint filter for /metrics, /admin and a later /api/v1) and POST /admin/drain.</summary>
public static class AdminSetup
{
    public static IServiceCollection AddGatewayAdmin(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AdminAccessOptions>().Bind(configuration.GetSection(AdminAccessOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AdminAccessOptions>, AdminAccessOptionsValidator>());
        services.TryAddSingleton<AdminAccessPolicy>();
        return services;
    }

    /// <summary>Lets only loopback, Admin:AllowedNetworks or an Admin:Tokens bearer through (401/403 otherwise).</summary>
    public static TBuilder RequireAdminAccess<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory((factory, next) =>
        {
            var services = factory.ApplicationServices;
            var policy = services.GetService<AdminAccessPolicy>() ?? new AdminAccessPolicy(services.GetRequiredService<IOptions<AdminAccessOptions>>());
            var filter = new AdminAccessFilter(policy, services.GetRequiredService<ILogger<AdminAccessFilter>>());
            return context => filter.InvokeAsync(context, next);
        });

    /// <summary>The /admin group: POST /admin/drain starts the drain and stops the gateway once it is over (202).</summary>
    public static RouteGroupBuilder MapGatewayAdmin(this WebApplication app)
    {
        var admin = app.MapGroup("/admin").RequireAdminAccess();
        admin.MapPost("/drain", (GatewayDrain drain, IHostApplicationLifetime lifetime, IOptions<GatewayHostingOptions> options) =>
        {
            var first = !drain.Started;
            _ = drain.DrainAsync().ContinueWith(_ => lifetime.StopApplication(), TaskScheduler.Default);
            var body = new System.Text.Json.Nodes.JsonObject
            {
                ["draining"] = true,
                ["started"] = first,
                ["timeoutSeconds"] = options.Value.DrainTimeout.TotalSeconds,
            };
            return Results.Text(body.ToJsonString(), "application/json", statusCode: StatusCodes.Status202Accepted);
        });
        return admin;
    }
}
