using Gateway.Server.Calls;
using Gateway.Server.Signaling;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Hosting;

/// <summary>
/// The graceful drain, run once (SIGTERM via <see cref="DrainOnStop"/>, or POST /admin/drain): stop taking calls
/// (<see cref="DrainState"/>), let the calls in progress go on for up to <c>Gateway:DrainTimeout</c>, hang up the rest
/// toward both sides (hangup to the browser, BYE, CANCEL or a final 503 to SIP; each CDR with its real outcome),
/// give those hangups a moment to complete, and only then close the WebSocket sessions, so browsers read "hangup"
/// before the close.
/// </summary>
internal sealed partial class GatewayDrain(DrainState state, IOptions<GatewayHostingOptions> options, IServiceProvider services,
    TimeProvider time, ILogger<GatewayDrain> logger)
{
    /// <summary>How often the drain looks whether the calls are over.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>After the hangups, how long CANCELled INVITEs may take to end (their 487) before the sessions close.</summary>
    public static readonly TimeSpan EndGrace = TimeSpan.FromSeconds(3);

    private readonly Lock _gate = new();
    private Task? _drain;

    public bool Started => state.IsDraining;

    /// <summary>Runs the drain, or returns the one already running.</summary>
    public Task DrainAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate) return _drain ??= RunAsync(cancellationToken);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        await Task.Yield(); // the caller (a signal handler, an HTTP request) returns at once
        state.Begin();
        var registry = services.GetService<CallRegistry>();
        var timeout = options.Value.DrainTimeout;
        Log.Draining(logger, registry?.Count ?? 0, timeout);
        if (registry is not null)
        {
            await WaitForCallsAsync(registry, timeout, cancellationToken);
            var left = registry.Snapshot();
            foreach (var call in left) call.Guard("shutdown", call.Shutdown);
            await WaitForCallsAsync(registry, EndGrace, cancellationToken);
            Log.HungUp(logger, left.Count, registry.Count);
        }
        services.GetService<SessionManager>()?.CloseAll();
        Log.Drained(logger);
    }

    private async Task WaitForCallsAsync(CallRegistry registry, TimeSpan limit, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + limit;
        try
        {
            while (registry.Count > 0 && time.GetUtcNow() < deadline)
                await Task.Delay(PollInterval, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout ran out: hang up what is left now.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(4700, LogLevel.Warning, "Draining: no new calls; {Calls} calls in progress may go on for {Timeout}")]
        public static partial void Draining(ILogger logger, int calls, TimeSpan timeout);

        [LoggerMessage(4701, LogLevel.Information, "Drain: hung up {HungUp} calls still in progress ({Left} not ended yet)")]
        public static partial void HungUp(ILogger logger, int hungUp, int left);

        [LoggerMessage(4702, LogLevel.Information, "Drain complete: closing the signaling sessions")]
        public static partial void Drained(ILogger logger);
    }
}

/// <summary>
/// Runs the drain when the host stops (SIGTERM, Ctrl+C, StopAsync), in StoppingAsync: before Kestrel stops, so
/// /healthz, the hangups and the WebSocket close frames still go out.
/// </summary>
internal sealed class DrainOnStop(GatewayDrain drain) : IHostedLifecycleService
{
    public Task StoppingAsync(CancellationToken cancellationToken) => drain.DrainAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
