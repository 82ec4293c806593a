using Gateway.Server.Calls;
using Gateway.Sip.Protection;
using Gateway.Sip.Stack;
using Gateway.Sip.Transport;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gateway.Server.SipHosting;

/// <summary>
/// The SIP receive path's flood bounds as services: <see cref="SipProtectionOptions"/> (validated on start), the
/// <see cref="SipInboundGuard"/> shared by the transports and the stack (trunk sources trusted), and the
/// <see cref="SipReceiveHealth"/> /healthz reads.
/// </summary>
internal static class SipHostingSetup
{
    public static IServiceCollection AddSipProtection(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SipProtectionOptions>().Bind(configuration.GetSection(SipProtectionOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SipProtectionOptions>, SipProtectionOptionsValidator>());
        services.TryAddSingleton<SipReceiveHealth>();
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<SipProtectionOptions>>().Value;
            var time = sp.GetService<TimeProvider>() ?? TimeProvider.System;
            var limiter = o.SourcePacketsPerSecond == 0 ? null : new SourceRateLimiter(new SipSourceLimits
            {
                PacketsPerSecond = o.SourcePacketsPerSecond,
                TransactionsPerSecond = o.SourceTransactionsPerSecond,
                BlockPeriod = o.SourceBlockPeriod,
                MaxTrackedSources = o.MaxTrackedSources,
            }, time);
            if (limiter is not null) limiter.IsTrusted = new TrunkSourceTrust(sp).IsTrusted;
            var drops = new SipDropLog(sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Sip.Protection"), o.DropLogInterval, time);
            return new SipInboundGuard(limiter, drops, sp.GetRequiredService<SipReceiveHealth>(), time);
        });
        return services;
    }

    /// <summary>The stack's options with the transaction caps.</summary>
    public static SipStackOptions StackOptions(IServiceProvider sp, SipStackOptions options)
    {
        var o = sp.GetRequiredService<IOptions<SipProtectionOptions>>().Value;
        return options with { MaxServerTransactions = o.MaxServerTransactions, MaxClientTransactions = o.MaxClientTransactions };
    }

    /// <summary>The transports' options with the connection bounds.</summary>
    public static SipTransportOptions TransportOptions(IServiceProvider sp)
    {
        var o = sp.GetRequiredService<IOptions<SipProtectionOptions>>().Value;
        return new SipTransportOptions
        {
            MaxConnections = o.MaxConnections,
            MaxConnectionsPerSource = o.MaxConnectionsPerSource,
            IdleTimeout = o.ConnectionIdleTimeout,
            FirstMessageTimeout = o.FirstMessageTimeout,
            UdpReceiveBufferBytes = o.UdpReceiveBufferBytes,
        };
    }
}
