using System.Net;
using System.Net.Sockets;
using Gateway.Interop.Tests.Sip;
using Gateway.Load;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>
/// Issue #12 item 2: the gateway stays bounded under a SIP flood. A UDP flood of garbage, OPTIONS and never-ACKed INVITEs
/// from untrusted 127.x sources runs while calls are up and new calls are placed; afterwards the calls are still up, the
/// gateway answers a fresh source and a fresh call works, and its RSS grew by at most <see cref="RssGrowthBound"/>.
/// 1,100 idle TCP connections from one source leave another source's TCP OPTIONS and INVITE working.
/// The suite runs a short flood; FLOOD_SECONDS, FLOOD_RATE and FLOOD_HEAP_LIMIT (DOTNET_GCHeapHardLimit of the gateway)
/// give the full bar of docs/security.md.
/// </summary>
[Trait("Category", "E2E")]
[Collection(E2eCollection.Name)]
public sealed class FloodTests(ITestOutputHelper output)
{
    private const long RssGrowthBound = 150L * 1024 * 1024;
    private static readonly TimeSpan FloodTime = TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("FLOOD_SECONDS"), out var s) ? s : 8);
    private static readonly int FloodRate = int.TryParse(Environment.GetEnvironmentVariable("FLOOD_RATE"), out var r) ? r : 4000;

    private async Task<(GatewayProcess Gateway, Task<Sipp.Result> Sipp)> StartAsync(string dialplan, CancellationToken stop,
        IReadOnlyDictionary<string, string>? extra = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = Sipp.FreePort();
        var sipp = Sipp.RunAsync($"-sn uas -i 127.0.0.1 -p {port} -t u1 -mp {Sipp.FreePort()} -timeout 200s", TimeSpan.FromSeconds(210), stop);
        var settings = new Dictionary<string, string>
        {
            ["Sip:AllowUnknownSources"] = "false", // the flood's INVITEs get 403 and never become calls
            ["Media:RtpTimeout"] = "00:05:00",     // the held calls carry no RTP
            ["Media:ConnectTimeout"] = "00:05:00", // nor ICE/DTLS (synthetic offers)
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string>()) settings[k] = v;
        var gateway = await GatewayProcess.StartAsync(output, dialplan,
            new Dictionary<string, string> { ["TRUNK_PORT"] = $"{port}", ["BACKUP_PORT"] = $"{port}" }, settings, environment);
        return (gateway, sipp);
    }

    [SkippableFact(Timeout = 240_000)]
    public async Task UdpFloodLeavesCallsUpAndMemoryBoundedAndTheGatewayAnswersAfterwards()
    {
        if (!E2e.PeersAvailable(output, chromium: false)) return;
        using var stop = new CancellationTokenSource();
        var heapLimit = Environment.GetEnvironmentVariable("FLOOD_HEAP_LIMIT");
        var (gateway, sipp) = await StartAsync("gateway-flood.yaml", stop.Token,
            environment: heapLimit is { Length: > 0 } ? new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = heapLimit } : null);
        var sipTarget = new IPEndPoint(IPAddress.Loopback, gateway.SipPort);
        await using var held = await SignalingClient.ConnectAsync(gateway.WebSocketUri);
        try
        {
            var warmUp = await CallBatch.RunAsync(gateway.WebSocketUri, "1000", 4, 2, TimeSpan.FromSeconds(30));
            Assert.True(warmUp.Answered == 4, $"warm-up calls failed: {string.Join("\n", warmUp.Failures)}");
            await held.WaitForAsync(E2e.Step, null, "welcome");
            foreach (var id in new[] { "held-1", "held-2" })
            {
                await held.SendAsync(new { type = "call", id, to = "1000", sdp = SyntheticOffer.Create() });
                var answer = await held.WaitForAsync(E2e.Step, id, "answer", "hangup", "error");
                Assert.True((string?)answer["type"] == "answer", answer.ToJsonString());
            }
            var baseline = gateway.ResidentBytes();
            var logBefore = new FileInfo(gateway.LogPath).Length;
            output.WriteLine($"baseline RSS {baseline / 1048576.0:F1} MB; flood {FloodRate} packets/s for {FloodTime.TotalSeconds} s" +
                (heapLimit is null ? "" : $", DOTNET_GCHeapHardLimit={heapLimit}"));

            long peak = baseline;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested && !gateway.HasExited)
                {
                    try { peak = Math.Max(peak, gateway.ResidentBytes()); } catch (IOException) { }
                    await Task.Delay(100);
                }
            });
            using var flooder = new SipFlooder(sipTarget);
            var flood = flooder.RunAsync(FloodRate, FloodTime);
            // Calls placed during the flood, paced.
            var during = await CallBatch.RunAsync(gateway.WebSocketUri, "1000", 10, 1, FloodTime + TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(FloodTime.TotalMilliseconds / 12));
            await flood;
            var health = await gateway.Http.GetAsync("healthz");
            sampling.Cancel();
            await sampler;
            var logBytes = new FileInfo(gateway.LogPath).Length - logBefore;
            output.WriteLine($"flood sent {flooder.Sent} packets; RSS peak {peak / 1048576.0:F1} MB (+{(peak - baseline) / 1048576.0:F1} MB); " +
                $"log grew {logBytes / 1024.0:F1} KB ({logBytes / 1024.0 / FloodTime.TotalSeconds:F1} KB/s); calls during the flood {during.Answered}/10\n" +
                string.Join("\n", during.Failures));
            Assert.False(gateway.HasExited, "the gateway died under the flood:\n" + gateway.Tail());
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.True(peak - baseline <= RssGrowthBound, $"RSS grew {(peak - baseline) / 1048576.0:F1} MB > 150 MB");
            Assert.True(logBytes / FloodTime.TotalSeconds < 20 * 1024, $"log grew {logBytes} bytes in {FloodTime.TotalSeconds} s");
            // Calls placed during the flood share the SIP UDP socket with it: on a loaded 2-core machine the trunk's responses
            // can be lost in the kernel queue and a call then waits on retransmissions past the 10 s the batch allows.
            Assert.True(during.Answered >= 8, $"{during.Answered} of 10 calls during the flood: {string.Join("\n", during.Failures)}");

            // A fresh source is answered, the held calls are still up, and a fresh call works.
            Assert.Equal(200, await SipProbe.UdpOptionsAsync(IPAddress.Parse("127.0.9.9"), sipTarget, TimeSpan.FromSeconds(5)));
            var metrics = new PrometheusText(await gateway.GetMetricsAsync());
            // The held calls, plus any call of the batch still waiting on its trunk (the hangups below prove the held ones are up).
            Assert.True(metrics.Value("gateway_active_calls") >= 2, $"active calls {metrics.Value("gateway_active_calls")}");
            var after = await CallBatch.RunAsync(gateway.WebSocketUri, "1000", 1, 1, TimeSpan.FromSeconds(20));
            Assert.True(after.Answered == 1, $"call after the flood failed: {string.Join("\n", after.Failures)}");
            foreach (var id in new[] { "held-1", "held-2" })
            {
                await held.SendAsync(new { type = "hangup", id });
                var end = await held.WaitForAsync(E2e.Step, id, "hangup");
                Assert.Equal(200, E2e.Code(end));
            }
            output.WriteLine($"RSS after: {gateway.ResidentBytes() / 1048576.0:F1} MB");
        }
        finally
        {
            await gateway.DisposeAsync();
            stop.Cancel();
            await sipp;
        }
    }

    [SkippableFact(Timeout = 120_000)]
    public async Task IdleTcpConnectionsFromOneSourceLeaveOtherSourcesWorking()
    {
        if (!E2e.PeersAvailable(output, chromium: false)) return;
        using var stop = new CancellationTokenSource();
        var (gateway, sipp) = await StartAsync("gateway-test.yaml", stop.Token, new Dictionary<string, string> { ["Sip:FirstMessageTimeout"] = "00:00:03" });
        var sipTarget = new IPEndPoint(IPAddress.Loopback, gateway.SipPort);
        var idle = new List<TcpClient>();
        try
        {
            var attacker = IPAddress.Parse("127.0.5.5");
            for (var i = 0; i < 1100; i++)
            {
                var client = new TcpClient(new IPEndPoint(attacker, 0));
                try { await client.ConnectAsync(sipTarget); } catch (SocketException) { }
                idle.Add(client);
            }
            output.WriteLine($"opened {idle.Count(c => c.Connected)} TCP connections from {attacker}");

            // 127.0.0.0/8 is a trusted trunk range here: per-source connection limits apply to trusted sources too.
            Assert.Equal(200, await SipProbe.TcpRequestAsync("OPTIONS", "gw", IPAddress.Parse("127.0.0.2"), sipTarget, TimeSpan.FromSeconds(5)));
            // An INVITE for a web user who is not online: a final response over TCP (480) proves INVITEs are served.
            Assert.Equal(480, await SipProbe.TcpRequestAsync("INVITE", "nobody", IPAddress.Parse("127.0.0.2"), sipTarget, TimeSpan.FromSeconds(5)));

            // The connections that got in never sent a message: the first-message timeout closes them.
            var open = 0;
            foreach (var client in idle.Where(c => c.Connected))
            {
                try
                {
                    var read = await client.GetStream().ReadAsync(new byte[16]).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
                    if (read > 0) open++;
                }
                catch (TimeoutException) { open++; }
                catch (IOException) { }
            }
            Assert.Equal(0, open);
        }
        finally
        {
            foreach (var c in idle) c.Dispose();
            await gateway.DisposeAsync();
            stop.Cancel();
            await sipp;
        }
    }
}
