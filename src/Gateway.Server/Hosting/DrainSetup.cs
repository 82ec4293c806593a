using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Hosting;

/// <summary>The drain (<see cref="GatewayDrain"/>) with the host, and a shutdown timeout long enough for it.</summary>
internal static class DrainSetup
{
    /// <summary>Beyond the drain: the hangups' grace, then Kestrel and the call layer stopping.</summary>
    public static readonly TimeSpan StopMargin = TimeSpan.FromSeconds(15);

    public static IServiceCollection AddGatewayDrain(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DrainState>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayHostingOptions>, GatewayHostingOptionsValidator>());
        services.AddSingleton<GatewayDrain>();
        services.AddHostedService<DrainOnStop>();
        // HostOptions.ShutdownTimeout bounds the whole stop, drain included (default 30 s).
        services.Configure<HostOptions>(host =>
        {
            var drain = configuration.GetSection(GatewayHostingOptions.Section).GetValue(nameof(GatewayHostingOptions.DrainTimeout), TimeSpan.Zero);
            var needed = drain + GatewayDrain.EndGrace + StopMargin;
            if (host.ShutdownTimeout < needed) host.ShutdownTimeout = needed;
        });
        return services;
    }
}

/// <summary>Gateway:DrainTimeout from 0 to an hour.</summary>
internal sealed class GatewayHostingOptionsValidator : IValidateOptions<GatewayHostingOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayHostingOptions options) =>
        options.DrainTimeout < TimeSpan.Zero || options.DrainTimeout > GatewayHostingOptions.MaxDrainTimeout
            ? ValidateOptionsResult.Fail($"Gateway:DrainTimeout must be from 00:00:00 to {GatewayHostingOptions.MaxDrainTimeout} (it is {options.DrainTimeout}).")
            : ValidateOptionsResult.Success;
}
