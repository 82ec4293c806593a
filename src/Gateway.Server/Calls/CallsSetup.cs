namespace Gateway.Server.Calls;

/// <summary>SIP stack, media engine, dialplan and the B2BUA. STUB: owned by the call work.</summary>
internal static class CallsSetup
{
    public static IServiceCollection AddGatewayCalls(this IServiceCollection services, IConfiguration configuration) => services;
}
