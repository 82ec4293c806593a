using System.Net.Sockets;
using Gateway.Dialplan;
using Gateway.Server.SipHosting;
using Gateway.Sip.Stack;

namespace Gateway.Server.Calls;

/// <summary>
/// Starts the call layer with the host: the dialplan (refusing a bad file), the SIP transports (refusing a port
/// in use), the request dispatcher and the media engine; on stop, hangs up every call and closes them.
/// A startup failure is logged in one clear line and stops the host.
/// </summary>
internal sealed partial class SipGatewayHost(
    IServiceProvider services, SipStack stack, GatewaySipOptions options, MediaEngineCallMediaFactory media, CallRegistry registry,
    ILoggerFactory loggers, ILogger<SipGatewayHost> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // The dialplan is loaded here, not in a constructor, so a bad file is reported in one line before the host stops.
        DialplanWatcher dialplan;
        try
        {
            dialplan = services.GetRequiredService<DialplanWatcher>();
        }
        catch (Exception e)
        {
            Log.DialplanFailed(logger, e.Message);
            throw;
        }
        try
        {
            foreach (var transport in SipTransportFactory.Create(options, loggers, services)) stack.AddTransport(transport);
        }
        catch (SocketException e)
        {
            Log.PortFailed(logger, options.ListenAddress, options.UdpPort, options.TcpPort, e.Message);
            throw;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or System.Security.Cryptography.CryptographicException)
        {
            Log.TransportFailed(logger, e.Message);
            throw;
        }
        services.GetRequiredService<SipRequestDispatcher>().Attach(stack);
        foreach (var t in stack.Transports) Log.Listening(logger, t.Protocol.ToString().ToLowerInvariant(), t.LocalEndPoint.ToString());
        try
        {
            _ = media.Engine;
        }
        catch (NotImplementedException)
        {
            Log.MediaMissing(logger);
        }
        _ = Task.Run(() =>
        {
            try { CallPathWarmup.Run(); }
            catch (Exception e) { Log.WarmupFailed(logger, e.Message); }
        }, CancellationToken.None);
        Log.Started(logger, dialplan.Current.File, dialplan.Current.RouteCount);
        return Task.CompletedTask;
    }

    /// <summary>Hangs up every call and gives the BYEs a moment to leave; the container then disposes the stack and the media engine.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var calls = registry.Snapshot();
        foreach (var call in calls) call.Guard("shutdown", () => call.Shutdown());
        if (calls.Count > 0) await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(4140, LogLevel.Critical, "Cannot start: the dialplan is invalid: {Error}")]
        public static partial void DialplanFailed(ILogger logger, string error);

        [LoggerMessage(4141, LogLevel.Critical, "Cannot start: SIP port in use or not available on {Address} (udp {Udp}, tcp {Tcp}): {Error}")]
        public static partial void PortFailed(ILogger logger, string address, int udp, int tcp, string error);

        [LoggerMessage(4142, LogLevel.Critical, "Cannot start the SIP transports: {Error}")]
        public static partial void TransportFailed(ILogger logger, string error);

        [LoggerMessage(4143, LogLevel.Information, "SIP listening on {Protocol} {EndPoint}")]
        public static partial void Listening(ILogger logger, string protocol, string endPoint);

        [LoggerMessage(4144, LogLevel.Warning, "The media engine is not available in this build: calls will be refused with 503")]
        public static partial void MediaMissing(ILogger logger);

        [LoggerMessage(4146, LogLevel.Debug, "Call path warm-up failed: {Error}")]
        public static partial void WarmupFailed(ILogger logger, string error);

        [LoggerMessage(4145, LogLevel.Information, "Call layer started with dialplan {File} ({Routes} routes)")]
        public static partial void Started(ILogger logger, string file, int routes);
    }
}
