using System.Net;
using Gateway.Server.Admin;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Gateway.Server.Hosting;

/// <summary>
/// Kestrel endpoints and TLS: HTTPS on <c>Gateway:HttpsPort</c> (8443) on <c>Gateway:ListenAddress</c> (all addresses)
/// with the <c>Tls</c> certificate or a generated development certificate, an optional plain HTTP port on 127.0.0.1,
/// the <c>--dialplan &lt;file&gt;</c> command-line switch for <c>Dialplan:File</c>, and the embedded default configuration.
/// </summary>
internal static class HostingSetup
{
    /// <summary>Command-line switches with a short form: <c>--dialplan x</c> is <c>Dialplan:File=x</c>.</summary>
    private static readonly Dictionary<string, string> SwitchMappings = new(StringComparer.OrdinalIgnoreCase)
    {
        ["--dialplan"] = "Dialplan:File",
    };

    /// <summary>
    /// Configures hosting from the process command line. <see cref="WebApplicationBuilder"/> does not expose the args
    /// given to <c>CreateBuilder</c>, so they are read again from <see cref="Environment.GetCommandLineArgs"/>
    /// (element 0 is the program itself).
    /// </summary>
    public static WebApplicationBuilder ConfigureGatewayHosting(this WebApplicationBuilder builder) =>
        builder.ConfigureGatewayHosting(Environment.GetCommandLineArgs()[1..]);

    /// <summary>Configures hosting with explicit command-line args (tests, embedding).</summary>
    public static WebApplicationBuilder ConfigureGatewayHosting(this WebApplicationBuilder builder, string[] args)
    {
        builder.Configuration.AddEmbeddedDefaults();

        // Only the mapped switches are re-added: CreateBuilder already read the rest, and AddCommandLine with
        // switch mappings rejects unknown single-dash switches.
        var mapped = ExtractMappedSwitches(args);
        if (mapped.Length > 0)
            builder.Configuration.AddCommandLine(mapped, SwitchMappings);

        builder.Services.AddOptions<GatewayHostingOptions>().Bind(builder.Configuration.GetSection(GatewayHostingOptions.Section)).ValidateOnStart();
        builder.Services.AddGatewayDrain(builder.Configuration);
        builder.Services.AddGatewayAdmin(builder.Configuration);
        builder.Services.Configure<TlsOptions>(builder.Configuration.GetSection(TlsOptions.Section));
        builder.Services.AddHostedService<StartupBanner>();
        builder.Services.AddGatewayLogFormat(); // Logging:Console:FormatterName simple | json | systemd
        builder.WebHost.ConfigureKestrel((context, kestrel) => ConfigureEndpoints(context, kestrel));
        return builder;
    }

    private static void ConfigureEndpoints(WebHostBuilderContext context, KestrelServerOptions kestrel)
    {
        var hosting = context.Configuration.GetSection(GatewayHostingOptions.Section).Get<GatewayHostingOptions>() ?? new();
        var tls = context.Configuration.GetSection(TlsOptions.Section).Get<TlsOptions>() ?? new();
        var services = kestrel.ApplicationServices;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Server.Hosting");
        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;

        if (hosting.HttpsPort >= 0)
        {
            var certificate = ServerCertificateLoader.Load(tls, context.HostingEnvironment.ContentRootPath, logger, time);
            void Https(ListenOptions listen) => listen.UseHttps(certificate);
            if (IsAnyAddress(hosting.ListenAddress))
                kestrel.ListenAnyIP(hosting.HttpsPort, Https);
            else if (IPAddress.TryParse(hosting.ListenAddress, out var address))
                kestrel.Listen(address, hosting.HttpsPort, Https);
            else
                throw new GatewayStartupException($"Gateway:ListenAddress '{hosting.ListenAddress}' is neither '*' nor an IP address",
                    "Set it to '*' (all addresses) or one IP address of this machine");
        }

        // Plain HTTP stays on loopback: only a local TLS proxy or a test can reach it.
        if (hosting.HttpPort is int httpPort and >= 0)
            kestrel.Listen(IPAddress.Loopback, httpPort);
    }

    private static bool IsAnyAddress(string? address) =>
        string.IsNullOrWhiteSpace(address) || address is "*" or "+" || address.Equals("any", StringComparison.OrdinalIgnoreCase);

    /// <summary>The mapped switches in <paramref name="args"/> with their values, as <c>--switch value</c> pairs.</summary>
    internal static string[] ExtractMappedSwitches(IReadOnlyList<string> args)
    {
        var result = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var eq = arg.IndexOf('=');
            var name = eq > 0 ? arg[..eq] : arg;
            if (!SwitchMappings.ContainsKey(name))
                continue;
            if (eq > 0)
                result.AddRange([name, arg[(eq + 1)..]]);
            else if (i + 1 < args.Count)
                result.AddRange([name, args[++i]]);
        }
        return [.. result];
    }
}
