using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Gateway.Interop.Tests.Sip;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>
/// Issue #12 items 5-6, issue #14 item 6, end to end on the real gateway process: SIGTERM with a call up (the client
/// hears hangup before the close, the sipp trunk gets a BYE, the CDR stays answered), a trunk that drops INVITEs
/// (failover at invite_timeout, then the keep-alive marks it down and calls skip it), and /metrics refused to a client
/// outside the operator allowlist.
/// </summary>
[Trait("Category", "E2E")]
[Collection(E2eCollection.Name)]
public sealed class DrainAndFailoverTests(ITestOutputHelper output)
{
    private const string AdminToken = "interop-admin-token-0123456789";

    /// <summary>When the gateway logged "Call {id}: trunk {trunk} answered 408" (event 4009).</summary>
    private static TimeOnly GaveUpAt(string log, string callId, string trunk)
    {
        var line = log.Split('\n').First(l => l.Contains($"Call {callId}: trunk {trunk} answered 408", StringComparison.Ordinal));
        return TimeOnly.ParseExact(line[..12], "HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static double? Trunk(PrometheusText metrics, string name, string trunk) =>
        metrics.Samples.FirstOrDefault(s => s.Name == name && s.Labels == $"trunk=\"{trunk}\"")?.Value;

    [SkippableFact(Timeout = 90_000)]
    public async Task SigtermWithACallUpHangsUpBothSidesBeforeClosingAndTheCdrSaysAnswered()
    {
        if (!E2e.PeersAvailable(output, chromium: false)) return;
        using var media = new RtpEcho();
        var port = Sipp.FreePort();
        using var stop = new CancellationTokenSource();
        var sipp = E2e.StartSippUas("uas-answer.xml", port, media.Port, stop: stop.Token);
        try
        {
            await using var gateway = await GatewayProcess.StartAsync(output, "gateway-test.yaml",
                new Dictionary<string, string> { ["TRUNK_PORT"] = $"{port}", ["BACKUP_PORT"] = $"{port}" },
                new Dictionary<string, string> { ["Admin:AllowLoopback"] = "false", ["Admin:Tokens:0"] = AdminToken });

            // The operator endpoint refuses a client outside the allowlist (loopback excluded here) without the token.
            using (var refused = await gateway.Http.GetAsync("metrics")) Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            using (var healthz = await gateway.Http.GetAsync("healthz")) Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);

            await using var client = await SignalingClient.ConnectAsync(gateway.WebSocketUri);
            await client.WaitForAsync(E2e.Step, null, "welcome");
            await client.SendAsync(new { type = "call", id = "d1", to = "1000", sdp = SyntheticOffer.Create() });
            await client.WaitForAsync(E2e.Step, "d1", "answer");

            using (var kill = Process.Start("kill", ["-TERM", gateway.Pid.ToString()])) await kill.WaitForExitAsync();

            // WaitForAsync throws if the socket closes first: getting hangup proves it came before the close.
            var hangup = await client.WaitForAsync(E2e.Step, "d1", "hangup");
            output.WriteLine($"hangup: {hangup.ToJsonString()}");
            Assert.Equal("gateway shutting down", (string?)hangup["reason"]);
            var result = await E2e.AssertSippSucceeded(sipp, output, TimeSpan.FromSeconds(10));
            Assert.Equal(1, E2e.ReceivedRequests(result, "BYE"));
            var cdr = await E2e.WaitForCdrAsync(gateway, "d1");
            output.WriteLine($"CDR: {cdr.ToJsonString()}");
            Assert.NotNull(cdr["answer"]);
            Assert.Equal("gateway shutting down", (string?)cdr["reason"]);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (!gateway.HasExited && DateTime.UtcNow < deadline) await Task.Delay(100);
            Assert.True(gateway.HasExited, "the gateway did not exit after the drain");
        }
        finally
        {
            stop.Cancel();
            await sipp;
        }
    }

    [SkippableFact(Timeout = 90_000)]
    public async Task ATrunkThatDropsInvitesFailsOverWithinInviteTimeoutThenTheProbeTakesItOut()
    {
        if (!E2e.PeersAvailable(output, chromium: false)) return;
        using var media = new RtpEcho();
        using var dead = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)); // reads and ignores: a dead trunk
        var deadPort = ((IPEndPoint)dead.Client.LocalEndPoint!).Port;
        var backupPort = Sipp.FreePort();
        using var stop = new CancellationTokenSource();
        var sipp = E2e.StartSippUas("uas-answer.xml", backupPort, media.Port, calls: 2, stop: stop.Token);
        var deadInvites = 0;
        var firstDeadInvite = new TaskCompletionSource<(long Timestamp, DateTime Local)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                UdpReceiveResult packet;
                try { packet = await dead.ReceiveAsync(stop.Token); }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
                if (!Encoding.ASCII.GetString(packet.Buffer).StartsWith("INVITE ", StringComparison.Ordinal)) continue;
                if (Interlocked.Increment(ref deadInvites) == 1) firstDeadInvite.TrySetResult((Stopwatch.GetTimestamp(), DateTime.Now));
            }
        });
        try
        {
            await using var gateway = await GatewayProcess.StartAsync(output, "failover-test.yaml",
                new Dictionary<string, string> { ["DEAD_PORT"] = $"{deadPort}", ["BACKUP_PORT"] = $"{backupPort}" });
            await using var client = await SignalingClient.ConnectAsync(gateway.WebSocketUri);
            await client.WaitForAsync(E2e.Step, null, "welcome");

            await client.SendAsync(new { type = "call", id = "f1", to = "1000", sdp = SyntheticOffer.Create() });
            var sentToDead = await firstDeadInvite.Task.WaitAsync(E2e.Step);
            await client.WaitForAsync(E2e.Step, "f1", "ringing");
            var toRinging = Stopwatch.GetElapsedTime(sentToDead.Timestamp);
            // The gateway's own failover time: INVITE arrival at the dead trunk -> the attempt given up (the log line's
            // local HH:mm:ss.fff stamp); ringing adds the next INVITE, sipp's 180 and the WebSocket relay.
            var failover = GaveUpAt(gateway.Tail(), "f1", "dead") - TimeOnly.FromDateTime(sentToDead.Local);
            output.WriteLine($"failover: INVITE at the dead trunk -> attempt abandoned after {failover.TotalMilliseconds:0} ms, " +
                $"-> ringing from the backup after {toRinging.TotalMilliseconds:0} ms (invite_timeout 1000 ms)");
            // Target: invite_timeout + 100 ms. The bound allows 150 ms more for a cold first call (JIT of the failover path)
            // on a loaded 2-core CI machine; the exact timing is asserted with a manual clock in TrunkLivenessTests.
            Assert.InRange(failover.TotalMilliseconds, 990, 1250);
            Assert.True(toRinging < TimeSpan.FromSeconds(2), $"ringing only after {toRinging}");
            await client.WaitForAsync(E2e.Step, "f1", "answer");
            await client.SendAsync(new { type = "hangup", id = "f1" });
            await client.WaitForAsync(E2e.Step, "f1", "hangup");

            // The keep-alive (every 1 s, 2 misses, each waiting invite_timeout) marks the dead trunk down.
            var metrics = new PrometheusText(await gateway.GetMetricsAsync());
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
            while (Trunk(metrics, "gateway_trunk_up", "dead") != 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
                metrics = new PrometheusText(await gateway.GetMetricsAsync());
            }
            Assert.Equal(0, Trunk(metrics, "gateway_trunk_up", "dead"));
            Assert.Equal(1, Trunk(metrics, "gateway_trunk_up", "backup"));
            Assert.Equal(1, Trunk(metrics, "gateway_trunk_failures_total", "dead"));
            Assert.Contains("Trunk dead is down", gateway.Tail());

            var invitesBefore = Volatile.Read(ref deadInvites);
            var started = Stopwatch.GetTimestamp();
            await client.SendAsync(new { type = "call", id = "f2", to = "1000", sdp = SyntheticOffer.Create() });
            await client.WaitForAsync(E2e.Step, "f2", "ringing");
            output.WriteLine($"second call: call -> ringing in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms with the dead trunk skipped");
            Assert.Equal(invitesBefore, Volatile.Read(ref deadInvites));
            await client.WaitForAsync(E2e.Step, "f2", "answer");
            await client.SendAsync(new { type = "hangup", id = "f2" });
            await client.WaitForAsync(E2e.Step, "f2", "hangup");
            await E2e.AssertSippSucceeded(sipp, output, TimeSpan.FromSeconds(10));
        }
        finally
        {
            stop.Cancel();
            await sipp;
            await reader;
        }
    }
}
