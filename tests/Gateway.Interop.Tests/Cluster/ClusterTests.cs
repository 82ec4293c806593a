using Gateway.Interop.Tests.Gateway;
using Gateway.Interop.Tests.Sip;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Cluster;

/// <summary>Issue #17: gateway nodes behind Kamailio with their shared state in a private Redis.</summary>
[Trait("Category", "E2E")]
[Collection(E2eCollection.Name)]
public sealed class ClusterTests(ITestOutputHelper output)
{
    /// <summary>
    /// alice is on node 2 and a stale record says node 3: a sipp call sent to Kamailio reaches her whichever node
    /// Kamailio picks (302 to the nodes holding her, followed), the stale record is gone afterwards; then bob, logged
    /// in on nodes 1 and 3, rings on both, the first to answer wins and the other is told.
    /// </summary>
    [SkippableFact(Timeout = 180_000)]
    public async Task ACallThroughKamailioFindsTheUsersNodesEvenWithAStaleRecord()
    {
        if (!E2e.PeersAvailable(output) || !ClusterNodes.PeersAvailable(output)) return;
        using var media = new RtpEcho();
        await using var cluster = await ClusterNodes.StartAsync(output, nodes: 3, kamailio: true);
        await using var browser = await ChromiumDriver.StartAsync(output);

        var alice = await E2e.OpenDialerAsync(browser, cluster.Node("n2"), user: "alice");
        await cluster.WaitAsync(async () => (await cluster.PresenceAsync("alice")).SequenceEqual(["n2"]), TimeSpan.FromSeconds(10), "alice on n2");
        await cluster.Store.SetPresenceAsync("alice", "n3", DateTimeOffset.UtcNow.AddMinutes(1)); // stale: n3 does not hold her

        await CallAndAnswerAsync(cluster, browser, "alice", media, answering: alice);
        Assert.Equal(["n2"], await cluster.PresenceAsync("alice"));

        var bobOn1 = await E2e.OpenDialerAsync(browser, cluster.Node("n1"), user: "bob");
        var bobOn3 = await E2e.OpenDialerAsync(browser, cluster.Node("n3"), user: "bob");
        await cluster.WaitAsync(async () => (await cluster.PresenceAsync("bob")).Order().SequenceEqual(["n1", "n3"]), TimeSpan.FromSeconds(10), "bob on n1 and n3");
        await CallAndAnswerAsync(cluster, browser, "bob", media, answering: bobOn1, alsoRinging: bobOn3);
    }

    /// <summary>
    /// Browser-originated calls across nodes: carol on n1 calls alice, who is only on n2 (n1 rings n2 with an INVITE
    /// marked for it, n2 bridges it to her browser), then bob, on n2 and n3 (both ring, the first to answer wins and
    /// the other is told); media flows both ways on both pages; carol hangs up and both sides end.
    /// </summary>
    [SkippableFact(Timeout = 180_000)]
    public async Task ABrowserOnOneNodeReachesUsersOnOtherNodes()
    {
        if (!E2e.PeersAvailable(output, sipp: false) || !ClusterNodes.PeersAvailable(output, kamailio: false)) return;
        await using var cluster = await ClusterNodes.StartAsync(output, nodes: 3, kamailio: false);
        await using var browser = await ChromiumDriver.StartAsync(output);

        var carol = await E2e.OpenDialerAsync(browser, cluster.Node("n1"), user: "carol");
        var alice = await E2e.OpenDialerAsync(browser, cluster.Node("n2"), user: "alice");
        await cluster.WaitAsync(async () => (await cluster.PresenceAsync("alice")).SequenceEqual(["n2"]), TimeSpan.FromSeconds(10), "alice on n2");
        await CallAcrossNodesAsync(browser, carol, "alice", answering: alice);

        var bobOn2 = await E2e.OpenDialerAsync(browser, cluster.Node("n2"), user: "bob");
        var bobOn3 = await E2e.OpenDialerAsync(browser, cluster.Node("n3"), user: "bob");
        await cluster.WaitAsync(async () => (await cluster.PresenceAsync("bob")).Order().SequenceEqual(["n2", "n3"]), TimeSpan.FromSeconds(10), "bob on n2 and n3");
        await CallAcrossNodesAsync(browser, carol, "bob", answering: bobOn3, alsoRinging: bobOn2);
    }

    private async Task CallAcrossNodesAsync(ChromiumDriver browser, int caller, string user, int answering, int? alsoRinging = null)
    {
        var answeringAt = (await browser.EventsAsync(answering)).Count;
        var otherAt = alsoRinging is { } o ? (await browser.EventsAsync(o)).Count : 0;
        var dialed = DateTime.UtcNow;
        await E2e.DialAsync(browser, caller, user);
        await browser.WaitEventAsync(answering, E2e.Step, answeringAt, "incoming");
        output.WriteLine($"{user} rang on the other node {(DateTime.UtcNow - dialed).TotalMilliseconds:F0} ms after dialing");
        if (alsoRinging is { } other) await browser.WaitEventAsync(other, E2e.Step, otherAt, "incoming");
        await browser.WaitStateAsync(answering, E2e.Step, "incoming");
        await browser.ClickAsync(answering, "#accept");
        await browser.WaitStateAsync(answering, E2e.Step, "active");
        await browser.WaitStateAsync(caller, E2e.Step, "active");
        if (alsoRinging is { } loser)
        {
            var (_, lost) = await browser.WaitEventAsync(loser, E2e.Step, otherAt, "hangup");
            output.WriteLine($"the other node's session got {lost.ToJsonString()}");
            Assert.Equal("answered elsewhere", (string?)lost["reason"]); // the CANCEL's RFC 3326 cause 200, told by the other node
            await browser.WaitStateAsync(loser, E2e.Step, "ended", "idle");
        }
        await E2e.AssertMediaFlowsAsync(browser, caller, output);
        await E2e.AssertMediaFlowsAsync(browser, answering, output);
        await browser.ClickAsync(caller, "#hangup");
        await browser.WaitEventAsync(answering, E2e.Step, answeringAt, "hangup");
        await browser.WaitStateAsync(caller, E2e.Step, "ended", "idle");
        await browser.WaitStateAsync(answering, E2e.Step, "ended", "idle");
    }

    /// <summary>
    /// The trunk with <c>register: true</c> has one lease holder; killed, another node holds it within one lease
    /// period (plus a heartbeat). Redis restarted empty: the nodes rewrite their records and the lease without restart.
    /// </summary>
    [SkippableFact(Timeout = 120_000)]
    public async Task TheTrunkLeaseMovesWhenItsOwnerDiesAndNodesRecoverFromARedisRestart()
    {
        if (!ClusterNodes.PeersAvailable(output, kamailio: false)) return;
        await using var cluster = await ClusterNodes.StartAsync(output, nodes: 2, kamailio: false);
        string? owner = null;
        await cluster.WaitAsync(async () => (owner = await cluster.LeaseOwnerAsync("carrier")) is not null, TimeSpan.FromSeconds(10), "a lease owner");
        output.WriteLine($"lease owner {owner}");
        var survivor = owner == "n1" ? "n2" : "n1";

        var killedAt = DateTime.UtcNow;
        await cluster.Node(owner!).DisposeAsync();
        await cluster.WaitAsync(async () => await cluster.LeaseOwnerAsync("carrier") == survivor,
            ClusterNodes.LeasePeriod + ClusterNodes.Heartbeat * 4, $"{survivor} takes the lease");
        output.WriteLine($"lease moved to {survivor} {(DateTime.UtcNow - killedAt).TotalMilliseconds:F0} ms after {owner} was killed");

        await cluster.Redis.StopAsync();
        await cluster.WaitAsync(() => Task.FromResult(Logged(cluster.Node(survivor), "shared store is unreachable")), TimeSpan.FromSeconds(10), "the outage logged");
        await cluster.Redis.StartAgainAsync();
        await cluster.WaitAsync(async () => await cluster.Store.NodeAsync(survivor) is not null && await cluster.LeaseOwnerAsync("carrier") == survivor,
            TimeSpan.FromSeconds(15), $"{survivor} rewrites its records after the restart");
        Assert.True(Logged(cluster.Node(survivor), "shared store is reachable again"));
        Assert.Equal(1, ReadLog(cluster.Node(survivor)).Split('\n').Count(l => l.Contains("shared store is unreachable", StringComparison.Ordinal)));
    }

    private static bool Logged(GatewayProcess node, string text)
    {
        return ReadLog(node).Contains(text, StringComparison.Ordinal);
    }

    private static string ReadLog(GatewayProcess node)
    {
        using var stream = new FileStream(node.LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    /// <summary>sipp calls <paramref name="user"/> at Kamailio; the page <paramref name="answering"/> accepts; audio flows; sipp hangs up.</summary>
    private async Task CallAndAnswerAsync(ClusterNodes cluster, ChromiumDriver browser, string user, RtpEcho media, int answering, int? alsoRinging = null)
    {
        var startAt = (await browser.EventsAsync(answering)).Count;
        var otherAt = alsoRinging is { } o ? (await browser.EventsAsync(o)).Count : 0;
        using var stop = new CancellationTokenSource();
        var sipp = Sipp.RunAsync(
            $"127.0.0.1:{cluster.Kamailio!.Port} -sf {TestPaths.Scenario("uac-proxied.xml")} -s {user} -i 127.0.0.1 -p {Sipp.FreePort()} -t u1 " +
            $"-m 1 -d 4000 -key rtpport {media.Port} -timeout 60s -timeout_error", TimeSpan.FromSeconds(70), stop.Token);
        try
        {
            var (incomingAt, _) = await browser.WaitEventAsync(answering, TimeSpan.FromSeconds(15), startAt, "incoming");
            if (alsoRinging is { } other) await browser.WaitEventAsync(other, TimeSpan.FromSeconds(15), otherAt, "incoming");
            await browser.WaitStateAsync(answering, E2e.Step, "incoming");
            await browser.ClickAsync(answering, "#accept");
            await browser.WaitStateAsync(answering, E2e.Step, "active");
            if (alsoRinging is { } loser)
            {
                var (_, lost) = await browser.WaitEventAsync(loser, E2e.Step, otherAt, "hangup");
                output.WriteLine($"the other node's session got {lost.ToJsonString()}");
            }
            await E2e.AssertMediaFlowsAsync(browser, answering, output);
            Assert.True(media.Received(0) + media.Received(8) > 20, $"the phone got no G.711 audio: {media.Summary()}");
            var (_, hangup) = await browser.WaitEventAsync(answering, TimeSpan.FromSeconds(15), incomingAt, "hangup");
            Assert.Equal(200, E2e.Code(hangup));
            await E2e.AssertSippSucceeded(sipp, output, TimeSpan.FromSeconds(20));
            await browser.WaitStateAsync(answering, E2e.Step, "ended", "idle");
        }
        finally
        {
            output.WriteLine(media.Summary());
            stop.Cancel();
            await sipp;
        }
    }
}
