using System.Net;
using Gateway.Dialplan;
using Gateway.Server.SipHosting;
using Gateway.Sip.Protection;
using Gateway.Sip.Transport;
using Gateway.Server.Signaling;
using Gateway.Sip.Registrar;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Registrar;

/// <summary>
/// The SIP registrar: options ("Registrar", validated on start), the in-memory <see cref="IRegistrationStore"/>, the
/// <see cref="SipRegistrar"/> the SIP dispatcher hands REGISTERs to, <see cref="IRegisteredDevices"/> for the call layer,
/// and the SIP-over-WebSocket transport behind <c>/sip</c>.
/// </summary>
internal static class RegistrarSetup
{
    public static IServiceCollection AddGatewayRegistrar(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RegistrarHostOptions>().Bind(configuration.GetSection(RegistrarHostOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RegistrarHostOptions>, RegistrarHostOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IRegistrationStore>(sp => new InMemoryRegistrationStore(
            sp.GetRequiredService<IOptions<RegistrarHostOptions>>().Value.MaxBindings, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<RegistrarHostOptions>>().Value;
            var domain = sp.GetService<IOptions<SignalingOptions>>()?.Value.Domain ?? "gateway.local";
            return new SipRegistrar(o.ToRegistrarOptions(domain), new DialplanRegistrarDirectory(() => sp.GetRequiredService<DialplanWatcher>().Current),
                sp.GetRequiredService<IRegistrationStore>(), o.ParseSecret()!, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SipRegistrar>>());
        });
        services.TryAddSingleton<IRegisteredDevices, RegisteredDevices>();
        // Replaces the Api's NoRegistrations (registered before us): GET /api/v1/registrations lists the bindings.
        services.Replace(ServiceDescriptor.Singleton<Gateway.Server.Api.IRegistrationDirectory>(sp =>
            new RegistrarBindings(sp.GetRequiredService<SipRegistrar>(), () => sp.GetRequiredService<DialplanWatcher>().Current)));

        // /sip (SipWebSocketEndpoint): SIP over WebSocket, a transport of the SIP stack like UDP/TCP/TLS.
        services.TryAddSingleton(sp =>
        {
            var hosting = sp.GetRequiredService<IOptions<Gateway.Server.Hosting.GatewayHostingOptions>>().Value;
            var address = IPAddress.TryParse(configuration["Sip:PublicAddress"], out var a) ? a : IPAddress.Loopback;
            return new WebSocketSipTransport(secure: true, new IPEndPoint(address, Math.Max(0, hosting.HttpsPort)), SipHostingSetup.TransportOptions(sp),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Sip.Transport.WebSocket"), sp.GetRequiredService<SipInboundGuard>());
        });
        services.AddHostedService<SipWebSocketHost>();
        return services;
    }
}
