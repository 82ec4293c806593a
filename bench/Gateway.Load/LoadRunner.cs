using System.Diagnostics;
using Gateway.Media.Dtls;

namespace Gateway.Load;

/// <summary>
/// Runs one load test to its end: calls started at --rate, at most --concurrency at once, every call bounded by
/// its own timeouts and the whole run by the global deadline. Returns the process exit code.
/// </summary>
public static class LoadRunner
{
    public const int ExitOk = 0, ExitCallsFailed = 1, ExitUsage = 2, ExitDeadline = 3, ExitFatal = 4;

    public static async Task<int> RunAsync(LoadOptions options, CancellationToken interrupt)
    {
        DtlsCertificate certificate;
        try
        {
            certificate = DtlsCertificate.Generate(); // one identity for every call of the run, as one browser profile would have
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"gateway-load: cannot create the DTLS certificate: {e.Message}");
            return ExitFatal;
        }
        var metrics = new LoadMetrics();
        await using var pump = new MediaPump();
        using var shared = options.PerCallSockets ? null : new SharedUdpSocket();
        var ctx = new LoadContext(options, metrics, pump, certificate, shared);
        var gateway = new GatewayUsage(options.GatewayPid);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(interrupt);
        deadline.CancelAfter(options.EffectiveDeadline);
        using var progressStop = new CancellationTokenSource();

        Console.Error.WriteLine($"gateway-load: {(options.MediaOnly is { } m ? $"media engine in-process ({m})" : options.Inbound ? $"inbound, {options.Users} users" : $"calling {options.To}")}, {options.Calls} calls, " +
                                $"concurrency {options.Concurrency}, rate {options.Rate}/s, {options.Duration} s each, deadline {options.EffectiveDeadline.TotalSeconds:0} s");
        gateway.Begin();
        var udpDropsBefore = UdpCounters.ReceiveBufferErrors();
        var clock = Stopwatch.StartNew();
        pump.Start();
        using var flooder = options.FloodTarget is { } target && options.FloodRate > 0 ? new SipFlooder(target) : null;
        var flood = flooder?.RunAsync(options.FloodRate, TimeSpan.FromSeconds(options.FloodSeconds)) ?? Task.CompletedTask;
        var progress = new RunReport.Progress(metrics, gateway, pump, Math.Min(options.Concurrency, options.Calls)).RunAsync(clock, progressStop.Token);
        InboundRunner? inbound = options.Inbound && options.MediaOnly is null ? new InboundRunner(ctx) : null;
        var work = options.MediaOnly is { } mode ? MediaOnlyRunner.RunAsync(ctx, mode, deadline.Token)
            : inbound is not null ? inbound.RunAsync(deadline.Token)
            : RunOutboundAsync(ctx, deadline.Token);
        // Backstop: calls clean up within seconds of the deadline; whatever still hangs after 15 s is abandoned.
        var backstop = Task.Delay(Timeout.Infinite, deadline.Token)
            .ContinueWith(_ => Task.Delay(TimeSpan.FromSeconds(15)), TaskScheduler.Default).Unwrap();
        var abandoned = await Task.WhenAny(work, backstop).ConfigureAwait(false) != work;
        if (abandoned) Console.Error.WriteLine("gateway-load: calls still busy 15 s after the deadline were abandoned");
        var elapsed = clock.Elapsed;
        await flood.ConfigureAwait(false);
        if (flooder is not null) Console.Error.WriteLine($"gateway-load: flood sent {flooder.Sent} SIP packets at {options.FloodRate}/s for {options.FloodSeconds} s");
        progressStop.Cancel();
        await progress.ConfigureAwait(false);
        gateway.End();
        var drops = new DropCounts(UdpCounters.ReceiveBufferErrors() - udpDropsBefore, shared is null ? null : UdpCounters.SocketDrops(shared.LocalPort));
        var deadlineHit = deadline.IsCancellationRequested && !interrupt.IsCancellationRequested;

        Console.WriteLine(RunReport.ResultLine(options, metrics, gateway, elapsed, deadlineHit, pump.LateTicks, drops));
        Console.Error.WriteLine($"gateway-load: failures: {metrics.FailureSummary()}" + (inbound is null ? "" : $"; users registered {inbound.UsersRegistered}, rejected over capacity {inbound.Rejected}"));
        foreach (var sample in metrics.FailureSamples()) Console.Error.WriteLine("  " + sample);
        if (deadlineHit) Console.Error.WriteLine($"gateway-load: global deadline of {options.EffectiveDeadline.TotalSeconds:0} s reached; everything was stopped");
        if (metrics.CallsStarted > 0 && metrics.CallsCompleted == 0 && metrics.FailedSetups == metrics.CallsStarted)
            Console.Error.WriteLine("gateway-load: no call succeeded");
        return deadlineHit || interrupt.IsCancellationRequested ? ExitDeadline
            : metrics.FailedSetups + metrics.DroppedCalls > 0 || metrics.CallsCompleted < Math.Min(options.Calls, metrics.CallsStarted) ? ExitCallsFailed
            : ExitOk;
    }

    private static async Task RunOutboundAsync(LoadContext ctx, CancellationToken ct)
    {
        var o = ctx.Options;
        using var slots = new SemaphoreSlim(o.Concurrency, o.Concurrency);
        var calls = new List<Task>(o.Calls);
        var start = Stopwatch.GetTimestamp();
        try
        {
            for (var i = 0; i < o.Calls; i++)
            {
                var due = TimeSpan.FromSeconds(i / o.Rate) - Stopwatch.GetElapsedTime(start);
                if (due > TimeSpan.Zero) await Task.Delay(due, ct).ConfigureAwait(false);
                await slots.WaitAsync(ct).ConfigureAwait(false);
                var index = i;
                calls.Add(Task.Run(async () =>
                {
                    try { await OutboundCall.RunAsync(ctx, index, ct).ConfigureAwait(false); }
                    catch (Exception e) { ctx.Metrics.SetupFailed("bug", e.ToString()); }
                    finally { slots.Release(); }
                }, CancellationToken.None));
            }
        }
        catch (OperationCanceledException)
        {
            // Deadline or Ctrl+C: no new calls; the running ones hang up on the same token.
        }
        await Task.WhenAll(calls).ConfigureAwait(false);
    }
}
