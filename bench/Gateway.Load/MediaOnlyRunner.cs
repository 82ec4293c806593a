using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Gateway.Media.Bridge;
using Gateway.Media.Dtls;
using Gateway.Media.Ice;

namespace Gateway.Load;

/// <summary>
/// `--media-only echo|relay`: the gateway's media plane (<see cref="MediaEngine"/>) in this process, without
/// signaling or SIP: per call a <see cref="MediaSession"/> configured as the call layer would after the offer/answer,
/// then the same ICE, DTLS and SRTP as a real call. "echo" uses the session's echo app (extension 600); "relay"
/// bridges to the SIP leg and a plain RTP echo socket here (what `sipp -rtp_echo` does), so both legs work.
/// The CPU figure is this whole process (engine and load generator together).
/// </summary>
public static class MediaOnlyRunner
{
    public static async Task RunAsync(LoadContext ctx, string mode, CancellationToken ct)
    {
        var o = ctx.Options;
        var basePort = Random.Shared.Next(40000, 60000 - 3 * LoadLimits.MaxConcurrency - 10);
        await using var engine = new MediaEngine(new MediaEngineOptions
        {
            BindAddress = IPAddress.Loopback, PortMin = basePort, PortMax = basePort + 3 * LoadLimits.MaxConcurrency + 9,
            ConnectTimeout = TimeSpan.FromSeconds(o.SetupTimeout), RtpTimeout = TimeSpan.FromSeconds(30),
        });
        using var echoSocket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        echoSocket.ReceiveBufferSize = 4 << 20; // one socket takes every call's packets: ride out scheduling stalls
        echoSocket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var stopEcho = new CancellationTokenSource();
        var echoLoop = mode == "relay" ? Task.Run(() => RtpEchoAsync(echoSocket, stopEcho.Token), CancellationToken.None) : Task.CompletedTask;

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
                calls.Add(Task.Run(async () =>
                {
                    try { await RunCallAsync(ctx, engine, mode, (IPEndPoint)echoSocket.LocalEndPoint!, ct).ConfigureAwait(false); }
                    catch (Exception e) { ctx.Metrics.SetupFailed("bug", e.ToString()); }
                    finally { slots.Release(); }
                }, CancellationToken.None));
            }
        }
        catch (OperationCanceledException)
        {
        }
        await Task.WhenAll(calls).ConfigureAwait(false);
        stopEcho.Cancel();
        echoSocket.Close();
        await echoLoop.ConfigureAwait(false);
    }

    private static async Task RunCallAsync(LoadContext ctx, MediaEngine engine, string mode, IPEndPoint echo, CancellationToken ct)
    {
        var metrics = ctx.Metrics;
        using var setup = metrics.StartCall();
        var setupStart = Stopwatch.GetTimestamp();
        MediaSession session;
        try
        {
            session = engine.CreateSession();
        }
        catch (MediaUnavailableException e)
        {
            metrics.SetupFailed("ports", e.Message);
            return;
        }
        await using var sessionScope = session.ConfigureAwait(false);
        var leg = new MediaLeg(metrics, ctx.NewTransport(), DtlsCertificate.FingerprintAlgorithm, ctx.Certificate.Fingerprint);
        await using var legScope = leg.ConfigureAwait(false);
        // What the call layer does with the browser's offer: its ICE credentials and fingerprint; the gateway answers passive.
        session.ConfigureWeb(new IceCredentials(leg.Local.IceUfrag, leg.Local.IcePwd), leg.Local.FingerprintAlgorithm, leg.Local.Fingerprint, gatewayIsDtlsServer: true);
        if (mode == "relay") session.ConfigureSip(echo, new MediaCodecMapping(0, 0, 8000, 101, 101));
        else session.StartEcho(0, 8000);
        var remote = new RemoteMedia(session.WebEndPoint, session.LocalIce.Ufrag, session.LocalIce.Password, session.FingerprintAlgorithm,
            session.Fingerprint, "passive", "0", 0, 101, IceLite: true);
        metrics.SetupMs.Add(Stopwatch.GetElapsedTime(setupStart).TotalMilliseconds);
        try
        {
            var (iceMs, dtlsMs) = await leg.ConnectAsync(remote, ctx.Certificate, ctx.SetupTimeout, ct).ConfigureAwait(false);
            metrics.IceMs.Add(iceMs);
            metrics.DtlsMs.Add(dtlsMs);
        }
        catch (MediaSetupException e)
        {
            if (!ct.IsCancellationRequested) metrics.SetupFailed(e.Stage, e.Message);
            return;
        }
        setup.Complete();
        metrics.CallUp();
        var up = Stopwatch.GetTimestamp();
        var ended = new TaskCompletionSource<MediaEndReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        session.Ended += (_, reason) => ended.TrySetResult(reason);
        leg.Sending = true;
        ctx.Pump.Add(leg);
        var first = await Task.WhenAny(Task.Delay(TimeSpan.FromSeconds(ctx.Options.Duration), ct), ended.Task).ConfigureAwait(false);
        ctx.Pump.Remove(leg);
        leg.Sending = false;
        var seconds = Stopwatch.GetElapsedTime(up).TotalSeconds;
        if (first == ended.Task) metrics.Dropped("media session ended: " + await ended.Task.ConfigureAwait(false));
        else
        {
            if (!ct.IsCancellationRequested) await Task.Delay(300, CancellationToken.None).ConfigureAwait(false);
            Interlocked.Increment(ref metrics.CallsCompleted);
        }
        metrics.CallDown();
        metrics.AddEcho(leg.Echo, seconds);
    }

    /// <summary>Plain RTP echo (as `sipp -rtp_echo`): every datagram goes back to its sender.</summary>
    private static async Task RtpEchoAsync(Socket socket, CancellationToken ct)
    {
        var buffer = new byte[1500];
        var from = new SocketAddress(AddressFamily.InterNetwork);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var n = await socket.ReceiveFromAsync(buffer.AsMemory(), SocketFlags.None, from, ct).ConfigureAwait(false);
                await socket.SendToAsync(buffer.AsMemory(0, n), SocketFlags.None, from, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset) { }
            catch (SocketException) { return; }
        }
    }
}
