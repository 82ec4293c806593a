using System.Collections.Concurrent;
using System.Diagnostics;
using Gateway.Media.Dtls;

namespace Gateway.Load;

/// <summary>
/// Inbound mode: users load1..loadN register on their own WebSocket sessions and answer the calls the gateway
/// delivers (a SIP load generator such as `sipp` calls them through the gateway). Each answered call does
/// ICE, DTLS and SRTP like an outbound one. At most --concurrency calls at once (more are rejected with 486,
/// not counted as failures); the run ends after --calls calls or at the deadline.
/// </summary>
public sealed class InboundRunner(LoadContext ctx)
{
    private readonly ConcurrentBag<Task> _calls = [];
    private readonly TaskCompletionSource _allDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _taken, _finished, _active;

    public int Rejected;
    public int UsersRegistered;

    public async Task RunAsync(CancellationToken ct)
    {
        using var sessionsCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sessions = new List<Task>();
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < ctx.Options.Users && !ct.IsCancellationRequested; i++)
        {
            // Registrations paced at --rate per second, like the outbound call rate.
            var due = TimeSpan.FromSeconds(i / ctx.Options.Rate) - Stopwatch.GetElapsedTime(start);
            if (due > TimeSpan.Zero) await Task.Delay(due, ct).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            var user = "load" + (i + 1);
            sessions.Add(Task.Run(() => RunUserAsync(user, sessionsCts.Token), CancellationToken.None));
        }
        await Task.WhenAny(_allDone.Task, Task.Delay(Timeout.Infinite, ct)).ConfigureAwait(false);
        await Task.WhenAll(_calls).ConfigureAwait(false);
        sessionsCts.Cancel();
        await Task.WhenAll(sessions).ConfigureAwait(false);
    }

    private async Task RunUserAsync(string user, CancellationToken ct)
    {
        SignalingConnection signaling;
        try
        {
            signaling = await SignalingConnection.ConnectAsync(ctx.Options.Url, ctx.SetupTimeout, ct).ConfigureAwait(false);
        }
        catch (SignalingException e)
        {
            if (!ct.IsCancellationRequested) ctx.Metrics.SetupFailed("ws", user + ": " + e.Message);
            return;
        }
        await using var _ = signaling.ConfigureAwait(false);
        var hangups = new ConcurrentDictionary<string, TaskCompletionSource<SignalMessage?>>();
        try
        {
            await signaling.SendAsync(ClientMessages.Register(user), ct).ConfigureAwait(false);
            await foreach (var m in signaling.Inbox.ReadAllAsync(ct).ConfigureAwait(false))
            {
                if (m.Type == "registered") Interlocked.Increment(ref UsersRegistered);
                else if (m.Type == "hangup" && m.Id is not null && hangups.TryRemove(m.Id, out var watch)) watch.TrySetResult(m);
                else if (m.Type == "incoming" && m.Id is not null) OnIncoming(signaling, m, hangups, ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SignalingException) { }
        foreach (var watch in hangups.Values) watch.TrySetResult(null);
        await Task.WhenAll(_calls).ConfigureAwait(false); // the calls use this session until they end
    }

    private void OnIncoming(SignalingConnection signaling, SignalMessage m, ConcurrentDictionary<string, TaskCompletionSource<SignalMessage?>> hangups, CancellationToken ct)
    {
        var id = m.Id!;
        if (Interlocked.Increment(ref _active) > ctx.Options.Concurrency || Interlocked.Increment(ref _taken) > ctx.Options.Calls)
        {
            Interlocked.Decrement(ref _active);
            Interlocked.Increment(ref Rejected);
            _ = signaling.SendAsync(ClientMessages.Reject(id, 486), CancellationToken.None).ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
            return;
        }
        var watch = new TaskCompletionSource<SignalMessage?>(TaskCreationOptions.RunContinuationsAsynchronously);
        hangups[id] = watch;
        _calls.Add(Task.Run(async () =>
        {
            try { await AnswerAsync(signaling, id, m.Sdp, watch.Task, ct).ConfigureAwait(false); }
            finally
            {
                Interlocked.Decrement(ref _active);
                if (Interlocked.Increment(ref _finished) >= ctx.Options.Calls) _allDone.TrySetResult();
            }
        }, CancellationToken.None));
    }

    private async Task AnswerAsync(SignalingConnection signaling, string id, string? offer, Task<SignalMessage?> hangupWatch, CancellationToken ct)
    {
        var metrics = ctx.Metrics;
        using var setup = metrics.StartCall();
        var received = Stopwatch.GetTimestamp();
        if (!RemoteMedia.TryParse(offer, out var remote, out var error))
        {
            metrics.SetupFailed("sdp", error);
            await signaling.SendAsync(ClientMessages.Reject(id, 488), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            return;
        }
        var leg = new MediaLeg(metrics, ctx.NewTransport(), DtlsCertificate.FingerprintAlgorithm, ctx.Certificate.Fingerprint);
        await using var legScope = leg.ConfigureAwait(false);
        try
        {
            await signaling.SendAsync(ClientMessages.Answer(id, JsepBuilder.Answer(leg.Local, remote!)), ct).ConfigureAwait(false);
            metrics.SetupMs.Add(Stopwatch.GetElapsedTime(received).TotalMilliseconds);
            var connect = leg.ConnectAsync(remote!, ctx.Certificate, ctx.SetupTimeout, ct);
            if (await Task.WhenAny(connect, hangupWatch).ConfigureAwait(false) == hangupWatch)
            {
                _ = connect.ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
                metrics.SetupFailed("hangup-during-setup", ClientMessages.Describe(await hangupWatch.ConfigureAwait(false) ?? new SignalMessage("closed", id, null, null, null, null, null, null)));
                return;
            }
            var (iceMs, dtlsMs) = await connect.ConfigureAwait(false);
            metrics.IceMs.Add(iceMs);
            metrics.DtlsMs.Add(dtlsMs);
        }
        catch (MediaSetupException e)
        {
            if (!ct.IsCancellationRequested) metrics.SetupFailed(e.Stage, e.Message);
            await OutboundCall.TryHangUpAsync(signaling, id).ConfigureAwait(false);
            return;
        }
        catch (Exception e) when (e is SignalingException or OperationCanceledException)
        {
            if (!ct.IsCancellationRequested) metrics.SetupFailed("signaling", e.Message);
            return;
        }
        setup.Complete();
        await OutboundCall.HoldAndHangUpAsync(ctx, signaling, leg, id, hangupWatch, ct, remoteEndIsNormal: true).ConfigureAwait(false);
    }
}
