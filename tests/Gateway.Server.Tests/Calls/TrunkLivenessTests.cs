using Gateway.Tests.Shared;
using System.Net;
using System.Net.Sockets;
using Gateway.Dialplan;
using Gateway.Server.Calls;
using Gateway.Server.Signaling;
using Gateway.Server.Tests.Signaling;
using Gateway.Sip.Messages;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Server.Tests.Calls;

/// <summary>invite_timeout (TrunkAttempt) and the OPTIONS keep-alive (TrunkKeepAlive), with a manual clock.</summary>
public sealed class TrunkLivenessTests
{
    [Fact]
    public async Task Invite_timeout_abandons_a_trunk_that_drops_invites_and_the_next_trunk_answers()
    {
        using var blackHole = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)); // reads nothing, answers nothing
        var deadPort = ((IPEndPoint)blackHole.Client.LocalEndPoint!).Port;
        await using var backup = SipTestPeer.Start();
        var time = new ManualTimeProvider();
        await using var gw = CallHarness.Start([("dead", deadPort, "invite_timeout: 2"), ("b", backup.Port, "")], callTime: time);
        var web = new FakeWebSession("w1", "alice");

        gw.Place(web, "c1", "+14155550100");
        var first = await blackHole.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.StartsWith("INVITE ", System.Text.Encoding.ASCII.GetString(first.Buffer));
        // The clock moves in 100 ms steps until the backup gets its INVITE: that happens at invite_timeout, not at Timer B.
        var advanced = TimeSpan.Zero;
        while (backup.Count(SipMethods.Invite) == 0 && advanced < TimeSpan.FromSeconds(10))
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            advanced += TimeSpan.FromMilliseconds(100);
            await Task.Yield();
            for (var i = 0; i < 20 && backup.Count(SipMethods.Invite) == 0 && advanced >= TimeSpan.FromSeconds(2); i++) await Task.Delay(10);
        }
        Assert.InRange(advanced.TotalSeconds, 2.0, 2.25);

        await web.WaitForAsync("answer", "c1");
        Assert.Equal(1, backup.Count(SipMethods.Invite));
        Assert.Contains(gw.Services.Failover.Snapshot(), h => h is { Trunk: "dead", Failures: 1 });
        gw.Controller.OnMessage(web, new Hangup("c1"));
        await gw.WaitForNoCallsAsync();
        Assert.Equal("b", Assert.Single(gw.Cdr.Records).Trunk);
    }

    [Fact]
    public async Task Keep_alive_marks_a_silent_trunk_down_after_its_failures_then_up_when_it_answers()
    {
        var folder = Directory.CreateTempSubdirectory("gw-probe-").FullName;
        var path = Path.Combine(folder, "dialplan.yaml");
        File.WriteAllText(path, """
            trunks:
              a: { uri: 'sip:127.0.0.1:5999', probe_interval: 10, probe_failures: 2 }
              b: { uri: 'sip:carrier.example.com' }
            routes:
              - { name: out, match: { prefix: '' }, trunk: [a, b] }
            """);
        var plan = DialplanLoader.LoadFile(path).Plan!;
        var time = new ManualTimeProvider();
        var prober = new ScriptedProber { Alive = false };
        var failover = new TrunkFailover(new TrunkFailoverOptions(), prober, time);
        var changes = new List<TrunkHealth>();
        failover.Changed += changes.Add;
        var keepAlive = new TrunkKeepAlive(() => plan, failover, prober, time, NullLogger<TrunkKeepAlive>.Instance);

        keepAlive.Tick();
        Assert.Equal(0, prober.Probes); // the first probe goes one interval later; b (a DNS name, no port) is not probed
        time.Advance(TimeSpan.FromSeconds(10));
        keepAlive.Tick();
        Assert.Equal(1, prober.Probes);
        Assert.True(Health(failover, "a").Up);
        time.Advance(TimeSpan.FromSeconds(10));
        keepAlive.Tick();
        Assert.Equal(["a"], prober.Trunks.Distinct());
        Assert.False(Health(failover, "a").Up);
        Assert.Single(changes); // logged once

        var dialer = new RecordingDialer();
        var decision = plan.Route(new CallRequest(CallSource.Parse("web:alice"), "+441632960000", time.GetUtcNow()));
        var (_, trunk) = await failover.ExecuteAsync(plan, decision, dialer, CancellationToken.None);
        Assert.Equal("b", trunk);
        Assert.Equal(["b"], dialer.Attempts);

        prober.Alive = true;
        time.Advance(TimeSpan.FromSeconds(10));
        keepAlive.Tick();
        Assert.True(Health(failover, "a").Up);
        Assert.Equal(2, changes.Count);
        dialer.Attempts.Clear();
        (_, trunk) = await failover.ExecuteAsync(plan, decision, dialer, CancellationToken.None);
        Assert.Equal("a", trunk);
        keepAlive.Dispose();
    }

    private static TrunkHealth Health(TrunkFailover failover, string trunk) => failover.Snapshot().Single(h => h.Trunk == trunk);

    private sealed class ScriptedProber : ITrunkProber
    {
        public bool Alive { get; set; }
        public int Probes => Trunks.Count;
        public List<string> Trunks { get; } = [];
        public Task<bool> ProbeAsync(TrunkDefinition trunk, CancellationToken cancellationToken)
        {
            Trunks.Add(trunk.Name);
            return Task.FromResult(Alive);
        }
    }

    private sealed class RecordingDialer : ITrunkDialer
    {
        public List<string> Attempts { get; } = [];
        public Task<TrunkDialResult> DialAsync(TrunkDefinition trunk, RouteDecision decision, CancellationToken cancellationToken)
        {
            Attempts.Add(trunk.Name);
            return Task.FromResult(new TrunkDialResult(200));
        }
    }
}
