namespace Gateway.Server.Signaling;

/// <summary>The WebSocket signaling front end. STUB: owned by the signaling work.</summary>
internal static class SignalingSetup
{
    public static IServiceCollection AddGatewaySignaling(this IServiceCollection services, IConfiguration configuration) => services;

    public static WebApplication MapGatewaySignaling(this WebApplication app) => app;
}
