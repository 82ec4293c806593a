using System.Net;
using System.Net.Sockets;
using Gateway.Media.Bridge;
using static Gateway.Media.Tests.Bridge.BridgeHarness;

namespace Gateway.Media.Tests.Bridge;

/// <summary>Ended reasons (RTP timeout, consent loss), port exhaustion and the leak test.</summary>
public sealed class LifecycleTests
{
    [Fact]
    public async Task RtpTimeout_EndsTheSessionOnce()
    {
        var clock = new ManualClock();
        await using var engine = Engine(clock, rtpTimeout: TimeSpan.FromSeconds(10));
        await using var session = engine.CreateSession();
        using var browser = new FakeBrowser();
        using var trunk = new FakeTrunk();
        var ended = new List<MediaEndReason>();
        session.Ended += (_, r) => ended.Add(r);
        await ConnectAsync(session, browser);
        session.ConfigureSip(trunk.EndPoint, Pcmu());

        clock.Advance(TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(1));
        browser.SendAudio(session, 0); // activity restarts the clock
        Assert.NotNull(await trunk.ReceiveRtpAsync(Wait));
        // Keep ICE consent fresh so only RTP inactivity can end the call.
        browser.Socket.SendTo(browser.Check(session.LocalIce), session.WebEndPoint);
        await EventuallyAsync(() => !session.Web.Agent.ConsentExpired, "a consent check");
        clock.Advance(TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(1));
        Assert.Empty(ended);
        clock.Advance(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1));
        Assert.Equal([MediaEndReason.RtpTimeout], ended);
        clock.Advance(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1));
        Assert.Single(ended);
    }

    [Fact]
    public async Task Hold_PausesTheRtpTimeout()
    {
        var clock = new ManualClock();
        await using var engine = Engine(clock, rtpTimeout: TimeSpan.FromSeconds(10));
        await using var session = engine.CreateSession();
        using var trunk = new FakeTrunk();
        var ended = new List<MediaEndReason>();
        session.Ended += (_, r) => ended.Add(r);
        session.ConfigureSip(trunk.EndPoint, Pcmu());
        session.SetForwarding(toWeb: false, toSip: false);
        clock.Advance(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1));
        Assert.Empty(ended);
        session.SetForwarding(toWeb: true, toSip: true);
        clock.Advance(TimeSpan.FromSeconds(12), TimeSpan.FromSeconds(1));
        Assert.Equal([MediaEndReason.RtpTimeout], ended);
    }

    [Fact]
    public async Task ConsentLoss_EndsTheSession()
    {
        var clock = new ManualClock();
        await using var engine = Engine(clock, rtpTimeout: TimeSpan.FromMinutes(10));
        await using var session = engine.CreateSession();
        using var browser = new FakeBrowser();
        var ended = new List<MediaEndReason>();
        session.Ended += (_, r) => ended.Add(r);
        await ConnectAsync(session, browser);

        clock.Advance(TimeSpan.FromSeconds(29), TimeSpan.FromSeconds(1));
        Assert.Empty(ended);
        clock.Advance(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1));
        Assert.Equal([MediaEndReason.ConsentLost], ended);
    }

    [Fact]
    public async Task PortExhaustion_ThrowsMediaUnavailable_AndDisposeFreesThePorts()
    {
        // 6 ports from a random base below the kernel's ephemeral range: a web port + an RTP/RTCP pair per session = 2 sessions.
        // Another process may hold ports of the range: try other ranges until one is (at least partly) free.
        for (int attempt = 0; ; attempt++)
        {
            int basePort = 10000 + 2 * Random.Shared.Next(0, 4000);
            await using var engine = Engine(portMin: basePort, portMax: basePort + 5);
            var sessions = new List<MediaSession>();
            try
            {
                while (sessions.Count < 3) sessions.Add(engine.CreateSession());
                Assert.Fail("expected exhaustion");
            }
            catch (MediaUnavailableException) { }
            if (sessions.Count == 0 && attempt < 10) continue;
            Assert.InRange(sessions.Count, 1, 2);
            foreach (var s in sessions)
            {
                Assert.InRange(s.WebEndPoint.Port, basePort, basePort + 5);
                Assert.Equal(0, s.SipEndPoint.Port % 2);
            }
            int held = engine.PortsInUse;
            await sessions[0].DisposeAsync();
            Assert.Equal(held - 3, engine.PortsInUse);
            await using var again = engine.CreateSession();
            foreach (var s in sessions.Skip(1)) await s.DisposeAsync();
            return;
        }
    }

    [Fact]
    public async Task ThousandSessions_CreatedAndDisposed_LeaveNothingBehind()
    {
        int basePort = 10000 + 2 * Random.Shared.Next(0, 4000);
        await using var engine = Engine(portMin: basePort, portMax: basePort + 299);
        using var browser = new FakeBrowser();
        for (int i = 0; i < 1000; i++)
        {
            var session = engine.CreateSession();
            if (i % 100 == 0) await ConnectAsync(session, browser); // some with keys and a validated address
            else if (i % 100 == 50) // some with a DTLS server thread waiting for a ClientHello
                session.ConfigureWeb(browser.Ice, "sha-256", DtlsBrowser.Certificate.Fingerprint, gatewayIsDtlsServer: true);
            await session.DisposeAsync();
        }
        Assert.Equal(0, engine.ActiveSessions);
        Assert.Equal(0, engine.PortsInUse);
        // Every port of the range is free again at the OS level too (bar those another process holds).
        int bound = 0;
        for (int p = basePort; p <= basePort + 299; p++)
        {
            try { using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp); s.Bind(new IPEndPoint(IPAddress.Loopback, p)); bound++; }
            catch (SocketException) { }
        }
        Assert.True(bound >= 290, $"only {bound} of 300 ports could be bound again");
    }
}
