using System.Diagnostics;
using System.Text.RegularExpressions;
using Gateway.Interop.Tests.Gateway;
using Gateway.Interop.Tests.Sip;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Cluster;

/// <summary>
/// Issue #17: calls to the echo test at a steady rate through Kamailio to three nodes, node 2 drained halfway: no
/// call fails (Kamailio stops sending to n2 once its OPTIONS probe gets 503, and an INVITE that reaches n2 meanwhile
/// gets 503 and goes to the next node), n2's calls in progress end normally, and n2 exits when its last call is over.
/// Bounded: CLUSTER_LOAD_RATE calls/s (default 10) for CLUSTER_LOAD_SECONDS (default 12), 2 s calls;
/// bench/cluster-load.sh runs it at the bar's 50 calls/s for 60 s and records the RESULT line.
/// </summary>
[Trait("Category", "E2E")]
[Collection(E2eCollection.Name)]
public sealed class ClusterLoadTests(ITestOutputHelper output)
{
    [SkippableFact(Timeout = 300_000)]
    public async Task DrainingANodeUnderLoadDropsNoCall()
    {
        if (!Sipp.IsAvailable(output) || !ClusterNodes.PeersAvailable(output)) return;
        var rate = int.TryParse(Environment.GetEnvironmentVariable("CLUSTER_LOAD_RATE"), out var r) ? Math.Clamp(r, 1, 200) : 10;
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("CLUSTER_LOAD_SECONDS"), out var s) ? Math.Clamp(s, 4, 300) : 12;
        var total = rate * seconds;
        using var media = new RtpEcho();
        await using var cluster = await ClusterNodes.StartAsync(output, nodes: 3, kamailio: true,
            extra: new Dictionary<string, string> { ["Gateway:DrainTimeout"] = "00:00:30" });

        var sipp = Sipp.RunAsync(
            $"127.0.0.1:{cluster.Kamailio!.Port} -sf {TestPaths.Scenario("uac-proxied.xml")} -s 600 -i 127.0.0.1 -p {Sipp.FreePort()} -t u1 " +
            $"-r {rate} -m {total} -d 2000 -key rtpport {media.Port} -timeout {seconds + 60}s", TimeSpan.FromSeconds(seconds + 90));

        await Task.Delay(TimeSpan.FromSeconds(seconds / 2.0));
        var n2 = cluster.Node("n2");
        var drainedAt = Stopwatch.StartNew();
        using (var drain = await n2.Http.PostAsync("admin/drain", null))
            Assert.True(drain.IsSuccessStatusCode, $"drain answered {(int)drain.StatusCode}");
        var callsAtDrain = n2.ReadCdrLines().Length;
        // Watched while the load goes on: n2 exits once its own calls are over, long before sipp's last call to the others.
        var exitedAfter = TimeSpan.Zero;
        var exited = cluster.WaitAsync(() => Task.FromResult(n2.HasExited && (exitedAfter = drainedAt.Elapsed) > TimeSpan.Zero),
            TimeSpan.FromSeconds(seconds + 90), "n2 exits once its calls are over");

        var result = await sipp;
        output.WriteLine(result.Output);
        var (ok, failed) = (Count(result.Output, "Successful call"), Count(result.Output, "Failed call"));
        await exited;

        var perNode = cluster.Nodes.Select(n => n.ReadCdrLines()).ToList();
        var abnormal = perNode.SelectMany(l => l).Count(l => !l.Contains("\"cause\":200", StringComparison.Ordinal));
        var line = $"RESULT rate={rate} seconds={seconds} calls={total} ok={ok} failed={failed} abnormal_cdrs={abnormal} " +
            $"cdrs={string.Join('/', perNode.Select(l => l.Length))} n2_calls_at_drain={callsAtDrain} n2_exited_after_s={exitedAfter.TotalSeconds:F1}";
        output.WriteLine(line);
        Console.WriteLine(line); // bench/cluster-load.sh reads it

        Assert.Equal(0, failed);
        Assert.Equal(total, ok);
        Assert.Equal(0, abnormal);
        Assert.Equal(total, perNode.Sum(l => l.Length));
        Assert.True(perNode[1].Length > 0, "n2 took no call before its drain");
        Assert.True(perNode[0].Length > perNode[1].Length && perNode[2].Length > perNode[1].Length, "the other nodes took n2's share after the drain");
    }

    /// <summary>The cumulative column of a sipp statistics line ("Successful call | 0 | 150").</summary>
    private static int Count(string screen, string label)
    {
        var match = Regex.Matches(screen, Regex.Escape(label) + @"\s*\|\s*\d+\s*\|\s*(\d+)").LastOrDefault();
        return match is null ? -1 : int.Parse(match.Groups[1].Value);
    }
}
