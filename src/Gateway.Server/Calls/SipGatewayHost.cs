using System.Net.Sockets;
using Gateway.Dialplan;
using Gateway.Server.Hosting;
using Gateway.Server.SipHosting;
using Gateway.Sip.Stack;

namespace Gateway.Server.Calls;

/// <summary>
/// Starts the call layer with the host: the dialplan (refusing a bad file), the SIP transports (refusing a port
/// in use), the request dispatcher and the media engine; on stop, hangs up every call and closes them.
/// A startup failure throws <see cref="GatewayStartupException"/> (cause and remedy), which <c>Program</c> prints in one line.
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
        catch (InvalidOperationException e)
        {
            throw new GatewayStartupException($"the dialplan is invalid: {e.Message.ReplaceLineEndings("; ")}",
                "Run `gateway dialplan check <file>` and fix the lines it names, or point Dialplan:File (--dialplan) at another file", e);
        }
        try
        {
            foreach (var transport in SipTransportFactory.Create(options, loggers, services)) stack.AddTransport(transport);
        }
        catch (SocketException e)
        {
            throw new GatewayStartupException(
                $"SIP port in use or not available on {options.ListenAddress} (udp {options.UdpPort}, tcp {options.TcpPort}): {e.Message}",
                "Stop the other SIP server on that port, or set Sip:UdpPort / Sip:TcpPort (Sip:ListenAddress for another address)", e);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or System.Security.Cryptography.CryptographicException)
        {
            throw new GatewayStartupException($"the SIP transports cannot start: {e.Message.TrimEnd('.')}",
                "Check Sip:ListenAddress and, for SIP over TLS, Sip:TlsCertificatePath / Sip:TlsKeyPath", e);
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
