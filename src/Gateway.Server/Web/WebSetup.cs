namespace Gateway.Server.Web;

/// <summary>The web dialer page. STUB: owned by the web dialer work.</summary>
internal static class WebSetup
{
    public static WebApplication MapGatewayWeb(this WebApplication app) => app;
}
