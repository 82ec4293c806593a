using System.Diagnostics;
using Gateway.Media.Dtls;

namespace Gateway.Load;

/// <summary>What every call of a run shares: settings, counters, the send loop and the tool's DTLS certificate.</summary>
public sealed record LoadContext(LoadOptions Options, LoadMetrics Metrics, MediaPump Pump, DtlsCertificate Certificate, SharedUdpSocket? SharedSocket)
{
    /// <summary>The run's shared socket, or a new socket for this call (--socket per-call).</summary>
    public ILegTransport NewTransport() => SharedSocket?.CreateTransport() ?? new PerCallTransport();

    public TimeSpan SetupTimeout => TimeSpan.FromSeconds(Options.SetupTimeout);
}

/// <summary>
/// One outbound call as a browser places it: WebSocket session, register, call with a JSEP offer, answer, ICE,
/// DTLS, SRTP for the call's duration, hangup. Every outcome is counted in <see cref="LoadMetrics"/>; nothing throws.
/// </summary>
public static class OutboundCall
{
    public static async Task RunAsync(LoadContext ctx, int index, CancellationToken ct)
    {
        var metrics = ctx.Metrics;
        using var setup = metrics.StartCall();
        SignalingConnection signaling;
        try
        {
            signaling = await SignalingConnection.ConnectAsync(ctx.Options.Url, ctx.SetupTimeout, ct).ConfigureAwait(false);
        }
        catch (SignalingException e)
        {
            if (!ct.IsCancellationRequested) metrics.SetupFailed("ws", e.Message);
            return;
        }
        await using var _ = signaling.ConfigureAwait(false);
        var leg = new MediaLeg(metrics, ctx.NewTransport(), DtlsCertificate.FingerprintAlgorithm, ctx.Certificate.Fingerprint);
        await using var __ = leg.ConfigureAwait(false);
        var id = "load-" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (await SetUpAsync(ctx, signaling, leg, id, index, ct).ConfigureAwait(false) is not { } hangupWatch) return;
        setup.Complete();
        await HoldAndHangUpAsync(ctx, signaling, leg, id, hangupWatch, ct).ConfigureAwait(false);
    }

    /// <summary>Call until media flows; returns the task watching for the gateway's hangup, or null after a counted failure.</summary>
    private static async Task<Task<SignalMessage?>?> SetUpAsync(LoadContext ctx, SignalingConnection signaling, MediaLeg leg, string id, int index, CancellationToken ct)
    {
        var metrics = ctx.Metrics;
        Task<(double IceMs, double DtlsMs)>? media = null;
        using var setupCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        setupCts.CancelAfter(ctx.SetupTimeout);
        try
        {
            await signaling.SendAsync(ClientMessages.Register("load" + (index + 1)), setupCts.Token).ConfigureAwait(false);
            var sent = Stopwatch.GetTimestamp();
            await signaling.SendAsync(ClientMessages.Call(id, ctx.Options.To, JsepBuilder.Offer(leg.Local)), setupCts.Token).ConfigureAwait(false);
            while (true)
            {
                var m = await signaling.Inbox.ReadAsync(setupCts.Token).ConfigureAwait(false);
                if (m.Id != id) continue; // registered, pong, errors about other things
                if (m.Type == "progress" && m.Sdp is not null) media ??= StartMedia(ctx, leg, m.Sdp, ct);
                else if (m.Type == "answer")
                {
                    metrics.SetupMs.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    media ??= StartMedia(ctx, leg, m.Sdp, ct);
                    break;
                }
                else if (m.Type is "hangup" or "error")
                {
                    metrics.SetupFailed(m.Type + " " + (m.Code?.ToString() ?? m.ErrorCode), ClientMessages.Describe(m));
                    Observe(media);
                    return null;
                }
            }
            var (iceMs, dtlsMs) = await media.ConfigureAwait(false);
            metrics.IceMs.Add(iceMs);
            metrics.DtlsMs.Add(dtlsMs);
            return WatchForHangup(signaling, id);
        }
        catch (MediaSetupException e)
        {
            if (!ct.IsCancellationRequested) metrics.SetupFailed(e.Stage, e.Message);
        }
        catch (SignalingException e)
        {
            if (!ct.IsCancellationRequested) metrics.SetupFailed("signaling", e.Message);
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
            if (!ct.IsCancellationRequested) metrics.SetupFailed("signaling", "connection closed during setup");
        }
        catch (OperationCanceledException)
        {
            if (!ct.IsCancellationRequested) metrics.SetupFailed("timeout", $"no answer within {ctx.Options.SetupTimeout} s");
        }
        Observe(media);
        await TryHangUpAsync(signaling, id).ConfigureAwait(false);
        return null;
    }

    private static Task<(double IceMs, double DtlsMs)> StartMedia(LoadContext ctx, MediaLeg leg, string? sdp, CancellationToken ct) =>
        RemoteMedia.TryParse(sdp, out var remote, out var error)
            ? leg.ConnectAsync(remote!, ctx.Certificate, ctx.SetupTimeout, ct)
            : Task.FromException<(double, double)>(new MediaSetupException("sdp", error));

    /// <summary>
    /// Media for the call's duration, then hangup. The gateway hanging up first is a dropped call, unless
    /// <paramref name="remoteEndIsNormal"/> (inbound calls, where the SIP caller ends the call).
    /// </summary>
    public static async Task HoldAndHangUpAsync(LoadContext ctx, SignalingConnection signaling, MediaLeg leg, string id,
        Task<SignalMessage?> hangupWatch, CancellationToken ct, bool remoteEndIsNormal = false)
    {
        var metrics = ctx.Metrics;
        metrics.CallUp();
        var up = Stopwatch.GetTimestamp();
        leg.Sending = true;
        ctx.Pump.Add(leg);
        var hold = Task.Delay(TimeSpan.FromSeconds(ctx.Options.Duration), ct);
        var first = await Task.WhenAny(hold, hangupWatch).ConfigureAwait(false);
        ctx.Pump.Remove(leg);
        leg.Sending = false;
        var mediaSeconds = Stopwatch.GetElapsedTime(up).TotalSeconds;
        if (first == hangupWatch && remoteEndIsNormal && await hangupWatch.ConfigureAwait(false) is not null)
            Interlocked.Increment(ref metrics.CallsCompleted);
        else if (first == hangupWatch)
        {
            var m = await hangupWatch.ConfigureAwait(false);
            metrics.Dropped(m is null ? "signaling closed mid-call" : "gateway ended the call: " + ClientMessages.Describe(m));
        }
        else
        {
            // Let the last packets' echoes come back before hanging up (they would count as lost otherwise).
            if (!ct.IsCancellationRequested) await Task.Delay(300, CancellationToken.None).ConfigureAwait(false);
            await TryHangUpAsync(signaling, id).ConfigureAwait(false);
            await Task.WhenAny(hangupWatch, Task.Delay(2000, CancellationToken.None)).ConfigureAwait(false);
            Interlocked.Increment(ref metrics.CallsCompleted);
        }
        metrics.CallDown();
        metrics.AddEcho(leg.Echo, mediaSeconds);
    }

    /// <summary>Completes with the gateway's hangup for <paramref name="id"/>, or null when the connection closes.</summary>
    public static async Task<SignalMessage?> WatchForHangup(SignalingConnection signaling, string id)
    {
        try
        {
            await foreach (var m in signaling.Inbox.ReadAllAsync().ConfigureAwait(false))
                if (m.Type == "hangup" && m.Id == id) return m;
        }
        catch (Exception e) when (e is OperationCanceledException or System.Threading.Channels.ChannelClosedException)
        {
        }
        return null;
    }

    public static async Task TryHangUpAsync(SignalingConnection signaling, string id)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try { await signaling.SendAsync(ClientMessages.Hangup(id), cts.Token).ConfigureAwait(false); }
        catch (Exception e) when (e is SignalingException or OperationCanceledException) { }
    }

    /// <summary>Keeps a media setup abandoned mid-way from surfacing as an unobserved task exception.</summary>
    private static void Observe(Task? task) => task?.ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
}
