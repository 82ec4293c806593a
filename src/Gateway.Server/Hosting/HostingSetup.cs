namespace Gateway.Server.Hosting;

/// <summary>Kestrel endpoints and TLS. STUB: owned by the observability/hosting work.</summary>
internal static class HostingSetup
{
    public static WebApplicationBuilder ConfigureGatewayHosting(this WebApplicationBuilder builder) => builder;
}
