using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Signaling;

/// <summary>The WebSocket signaling front end (protocol.md): /ws and GET /api/ice-servers.</summary>
internal static class SignalingSetup
{
    public static IServiceCollection AddGatewaySignaling(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SignalingOptions>().Bind(configuration.GetSection(SignalingOptions.SectionName)).ValidateOnStart();
        services.AddOptions<TurnOptions>().Bind(configuration.GetSection(TurnOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SignalingOptions>, SignalingOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TurnOptions>, TurnOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<Gateway.Server.Hosting.DrainState>();
        services.TryAddSingleton<ICallController, UnavailableCallController>(); // the call layer registers the real one
        services.AddSingleton<WebUserDirectory>();
        services.AddSingleton<IWebUserDirectory>(sp => sp.GetRequiredService<WebUserDirectory>());
        services.AddSingleton<RoomRegistry>();
        services.AddSingleton<SessionManager>();
        services.AddHttpClient(SigningKeyDocumentRetriever.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(5) });
        services.AddSingleton<SigningKeyDocumentRetriever>();
        services.AddSingleton<ClientTokenValidator>();
        services.AddSingleton<ClientAuthenticator>();
        services.AddSingleton<IceServerProvider>();
        services.AddSingleton<MessageDispatcher>();
        services.AddSingleton<SignalingEndpoint>();
        return services;
    }

    public static WebApplication MapGatewaySignaling(this WebApplication app)
    {
        app.UseWebSockets();
        var sessions = app.Services.GetRequiredService<SessionManager>();
        // With the drain (Hosting/GatewayDrain) the sessions close after the calls are hung up; without it, at once.
        if (app.Services.GetService<Gateway.Server.Hosting.GatewayDrain>() is null) app.Lifetime.ApplicationStopping.Register(sessions.CloseAll);
        app.Map("/ws", (HttpContext context, SignalingEndpoint endpoint) => endpoint.HandleAsync(context));
        app.MapGet("/api/ice-servers", IceServers);
        return app;
    }

    /// <summary>GET /api/ice-servers: {"iceServers":[...]}, the list welcome carries; same authentication as /ws.</summary>
    private static async Task<IResult> IceServers(HttpContext context, ClientAuthenticator authenticator, IceServerProvider provider)
    {
        var auth = await authenticator.AuthenticateAsync(context);
        if (!auth.Succeeded)
            return Results.Text(auth.Error + "\n", statusCode: StatusCodes.Status401Unauthorized);
        context.Response.Headers.CacheControl = "no-store";
        var body = new JsonObject { ["iceServers"] = provider.Build(auth.Identity.Identity) };
        return Results.Text(body.ToJsonString(), "application/json", statusCode: StatusCodes.Status200OK);
    }
}
