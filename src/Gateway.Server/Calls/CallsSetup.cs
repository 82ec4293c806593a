using System.Net;
using Gateway.Dialplan;
using Gateway.Media.Bridge;
using Gateway.Media.Net;
using Gateway.Server.Observability;
using Gateway.Server.Signaling;
using Gateway.Server.SipHosting;
using Gateway.Server.Trunks;
using Gateway.Sip.Protection;
using Gateway.Sip.Stack;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Calls;

/// <summary>SIP stack, media engine, dialplan and the B2BUA.</summary>
internal static class CallsSetup
{
    public const string DefaultDialplan = "dialplan/default.yaml";

    public static IServiceCollection AddGatewayCalls(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<GatewaySipOptions>(configuration.GetSection("Sip"));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<GatewaySipOptions>>().Value);
        services.AddSingleton(_ => ReadMediaOptions(configuration.GetSection("Media")));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GatewayMetrics>();
        services.TryAddSingleton<Gateway.Server.Hosting.DrainState>();
        services.TryAddSingleton<ICdrWriter, NoCdrWriter>();
        services.TryAddSingleton<IWebUserDirectory, NoWebUsers>();

        services.AddSipProtection(configuration); // SipHosting/: per-source limits, transaction and connection caps, receive health
        services.AddSingleton(sp => new SipStack(SipHostingSetup.StackOptions(sp, new SipStackOptions { Timers = sp.GetRequiredService<GatewaySipOptions>().Timers, UserAgent = CallServices.UserAgent }),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SipStack>>(), sp.GetRequiredService<SipInboundGuard>()));
        services.AddSingleton<SipAddressing>();
        services.AddSingleton(sp => DialplanWatcher.Start(ResolveDialplan(configuration), sp.GetRequiredService<ILogger<DialplanWatcher>>()));
        services.AddSingleton<CallRegistry>();
        services.AddSingleton<CallDirectory>();
        services.AddSingleton<ICallDirectory>(sp => sp.GetRequiredService<CallDirectory>()); // Api/: read-only call snapshots and operator hangup
        services.AddSingleton<ICallOriginator, CallOriginator>(); // Api/: POST /api/v1/calls
        services.AddSingleton<CallLimits>();
        services.AddSingleton<ITrunkProber>(sp => new SipTrunkProber(sp.GetRequiredService<SipAddressing>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new TrunkFailover(new TrunkFailoverOptions(), sp.GetRequiredService<ITrunkProber>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<MediaEngineCallMediaFactory>();
        services.AddSingleton<ICallMediaFactory>(sp => sp.GetRequiredService<MediaEngineCallMediaFactory>());
        services.AddSingleton(sp => new MediaEngine(sp.GetRequiredService<MediaEngineOptions>(), sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<PromptCache>();
        services.AddSingleton(sp =>
        {
            var watcher = sp.GetRequiredService<DialplanWatcher>();
            return new CallServices
            {
                Sip = sp.GetRequiredService<SipAddressing>(),
                Options = sp.GetRequiredService<GatewaySipOptions>(),
                Media = sp.GetRequiredService<ICallMediaFactory>(),
                Registry = sp.GetRequiredService<CallRegistry>(),
                Metrics = sp.GetRequiredService<GatewayMetrics>(),
                Cdr = sp.GetRequiredService<ICdrWriter>(),
                Dialplan = () => watcher.Current,
                Failover = sp.GetRequiredService<TrunkFailover>(),
                Limits = sp.GetRequiredService<CallLimits>(),
                Users = sp.GetRequiredService<IWebUserDirectory>(),
                Devices = sp.GetService<Gateway.Server.Registrar.IRegisteredDevices>() ?? NoDevices.Instance,
                RemoteUsers = sp.GetService<Cluster.ClusterRedirect>(),
                Time = sp.GetRequiredService<TimeProvider>(),
                Loggers = sp.GetRequiredService<ILoggerFactory>(),
                Drain = sp.GetRequiredService<Gateway.Server.Hosting.DrainState>(),
            };
        });
        services.AddSingleton<SipRequestDispatcher>();
        services.AddSingleton<CallController>();
        services.AddSingleton<ICallController>(sp => sp.GetRequiredService<CallController>());
        services.AddHostedService<SipGatewayHost>();
        services.AddSingleton(sp => new TrunkKeepAlive(() => sp.GetRequiredService<DialplanWatcher>().Current, sp.GetRequiredService<TrunkFailover>(),
            sp.GetRequiredService<ITrunkProber>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<TrunkKeepAlive>>()));
        services.AddHostedService(sp => sp.GetRequiredService<TrunkKeepAlive>());
        services.AddTrunkRegistrations(); // Trunks/: REGISTER of register: true trunks
        return services;
    }

    /// <summary>
    /// Dialplan:File (--dialplan): an absolute path as is; a relative one from the working directory, else from the
    /// application's folder and its parents (so the shipped dialplan/default.yaml is found from any directory).
    /// </summary>
    internal static string ResolveDialplan(IConfiguration configuration)
    {
        var configured = configuration["Dialplan:File"] is { Length: > 0 } c ? c : DefaultDialplan;
        if (Path.IsPathRooted(configured) || File.Exists(configured)) return Path.GetFullPath(configured);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, configured);
            if (File.Exists(candidate)) return candidate;
        }
        return Path.GetFullPath(configured);
    }

    /// <summary>The "Media" section by hand: addresses are parsed (the binder does not convert IPAddress).</summary>
    internal static MediaEngineOptions ReadMediaOptions(IConfigurationSection section)
    {
        var options = new MediaEngineOptions();
        if (section["BindAddress"] is { Length: > 0 } bind)
            options.BindAddress = IPAddress.TryParse(bind, out var b) ? b : throw new InvalidOperationException($"Media:BindAddress '{bind}' is not an IP address");
        if (section["PublicAddress"] is { Length: > 0 } pub)
            options.PublicAddress = IPAddress.TryParse(pub, out var p) ? p : throw new InvalidOperationException($"Media:PublicAddress '{pub}' is not an IP address");
        options.PortMin = section.GetValue("PortMin", options.PortMin);
        options.PortMax = section.GetValue("PortMax", options.PortMax);
        options.SharedWebPort = section.GetValue("SharedWebPort", options.SharedWebPort);
        options.RtpTimeout = section.GetValue("RtpTimeout", options.RtpTimeout);
        options.ConnectTimeout = section.GetValue("ConnectTimeout", options.ConnectTimeout);
        if (section["IoMode"] is { Length: > 0 } mode)
            options.IoMode = Enum.TryParse<MediaIoMode>(mode, ignoreCase: true, out var m) && Enum.IsDefined(m) ? m
                : throw new InvalidOperationException($"Media:IoMode '{mode}' is not auto, batched or portable");
        options.IoThreads = section.GetValue("IoThreads", options.IoThreads);
        options.IoTick = section.GetValue("IoTick", options.IoTick);
        options.OpusComplexity = section.GetValue("OpusComplexity", options.OpusComplexity);
        if (section["OpusLibrary"] is { Length: > 0 } opus)
            options.OpusLibrary = Enum.TryParse<Gateway.Media.Transcoding.OpusLibrary>(opus, ignoreCase: true, out var o) && Enum.IsDefined(o) ? o
                : throw new InvalidOperationException($"Media:OpusLibrary '{opus}' is not auto or managed");
        options.ConferenceSampleRate = section.GetValue("ConferenceSampleRate", options.ConferenceSampleRate);
        options.ConferenceMaxParticipants = section.GetValue("ConferenceMaxParticipants", options.ConferenceMaxParticipants);
        options.ConferenceMaxRooms = section.GetValue("ConferenceMaxRooms", options.ConferenceMaxRooms);
        options.ConferenceTones = section.GetValue("ConferenceTones", options.ConferenceTones);
        if (options.Validate() is { } invalid) throw new InvalidOperationException(invalid);
        return options;
    }

    private sealed class NoCdrWriter : ICdrWriter
    {
        public void Write(CallDetailRecord record) { }
    }

    private sealed class NoWebUsers : IWebUserDirectory
    {
        public IReadOnlyList<IWebSession> SessionsFor(string user) => [];
    }
}
