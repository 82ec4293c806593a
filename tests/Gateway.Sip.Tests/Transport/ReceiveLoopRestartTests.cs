using System.Net;
using System.Net.Sockets;
using System.Text;
using Gateway.Sip.Protection;
using Gateway.Sip.Tests.Protection;
using Gateway.Sip.Transport;

namespace Gateway.Sip.Tests.Transport;

public sealed class ReceiveLoopRestartTests
{
    private static byte[] Options(int n) => Encoding.ASCII.GetBytes(
        $"OPTIONS sip:gw@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKudp{n}\r\nMax-Forwards: 70\r\n" +
        $"From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:gw@127.0.0.1>\r\nCall-ID: restart-{n}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");

    [Fact]
    public async Task UdpLoopSurvivesAnOutOfMemoryAndReportsItselfDownMeanwhile()
    {
        var logger = new CapturingLogger();
        var health = new SipReceiveHealth();
        using var guard = new SipInboundGuard(null, new SipDropLog(logger, TimeSpan.FromSeconds(10)), health);
        await using var transport = new UdpSipTransport(new IPEndPoint(IPAddress.Loopback, 0),
            new SipTransportOptions { RestartDelay = TimeSpan.FromMilliseconds(300) }, logger, guard);
        var delivered = 0;
        var failOnce = 1;
        transport.Start(_ =>
        {
            if (Interlocked.Exchange(ref failOnce, 0) == 1) throw new OutOfMemoryException("test");
            Interlocked.Increment(ref delivered);
        });
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));

        await client.SendAsync(Options(1), transport.LocalEndPoint);
        await WaitUntil(() => !health.IsHealthy);
        var down = Assert.Single(health.DownLoops);
        Assert.StartsWith("udp 127.0.0.1:", down.Key);
        Assert.Contains("OutOfMemoryException", down.Value);

        await client.SendAsync(Options(2), transport.LocalEndPoint);
        await WaitUntil(() => Volatile.Read(ref delivered) == 1);
        Assert.True(health.IsHealthy);
        Assert.Contains(logger.Lines, l => l.EventId == 1302);
        Assert.Contains(logger.Lines, l => l.EventId == 1303);
    }

    [Fact]
    public async Task MalformedDatagramsAreCountedNotLoggedOneByOne()
    {
        var logger = new CapturingLogger();
        using var guard = new SipInboundGuard(null, new SipDropLog(logger, TimeSpan.FromHours(1)), new SipReceiveHealth());
        await using var transport = new UdpSipTransport(new IPEndPoint(IPAddress.Loopback, 0), logger: logger, guard: guard);
        var delivered = 0;
        transport.Start(_ => Interlocked.Increment(ref delivered));
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        for (var i = 0; i < 200; i++) await client.SendAsync(Encoding.ASCII.GetBytes($"garbage {i}\r\n\r\n"), transport.LocalEndPoint);
        await client.SendAsync(Options(3), transport.LocalEndPoint);
        await WaitUntil(() => Volatile.Read(ref delivered) == 1);

        Assert.Equal(200, guard.Drops.Total(SipDropReason.Malformed));
        Assert.DoesNotContain(logger.Lines, l => l.Message.Contains("garbage"));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 250 && !condition(); i++) await Task.Delay(20);
        Assert.True(condition());
    }
}
