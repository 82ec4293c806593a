using System.Net;
using System.Net.Sockets;
using System.Text;
using Gateway.Sip.Protection;
using Gateway.Sip.Tests.Protection;
using Gateway.Sip.Transport;

namespace Gateway.Sip.Tests.Transport;

public sealed class TcpLimitTests
{
    private static readonly byte[] Options = Encoding.ASCII.GetBytes(
        "OPTIONS sip:gw@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5070;branch=z9hG4bKtcp1\r\nMax-Forwards: 70\r\n" +
        "From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:gw@127.0.0.1>\r\nCall-ID: tcp-limit-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");

    private static async Task<TcpClient> ConnectFrom(IPAddress local, IPEndPoint server)
    {
        var client = new TcpClient(new IPEndPoint(local, 0));
        await client.ConnectAsync(server);
        return client;
    }

    /// <summary>True when the server closed the connection (read returns 0 or the socket resets) within <paramref name="within"/>.</summary>
    private static async Task<bool> ClosedWithin(TcpClient client, TimeSpan within)
    {
        try
        {
            var read = await client.GetStream().ReadAsync(new byte[64]).AsTask().WaitAsync(within);
            return read == 0;
        }
        catch (TimeoutException) { return false; }
        catch (IOException) { return true; }
    }

    [Fact]
    public async Task PerSourceLimitRefusesOnlyThatSource()
    {
        var logger = new CapturingLogger();
        using var guard = SipInboundGuard.Unlimited(logger);
        await using var transport = new TcpSipTransport(new IPEndPoint(IPAddress.Loopback, 0), new SipTransportOptions { MaxConnectionsPerSource = 3 }, guard: guard);
        transport.Start(_ => { });
        var held = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 3; i++) held.Add(await ConnectFrom(IPAddress.Loopback, transport.LocalEndPoint));
            await WaitUntil(() => transport.ConnectionCount == 3);
            using var fourth = await ConnectFrom(IPAddress.Loopback, transport.LocalEndPoint);
            Assert.True(await ClosedWithin(fourth, TimeSpan.FromSeconds(5)));

            using var other = await ConnectFrom(IPAddress.Parse("127.0.0.2"), transport.LocalEndPoint);
            await WaitUntil(() => transport.ConnectionCount == 4);
            Assert.Equal(1, guard.Drops.Total(SipDropReason.SourceConnections));
        }
        finally
        {
            foreach (var c in held) c.Dispose();
        }
    }

    [Fact]
    public async Task SilentConnectionsGetTheShortTimeoutAndTalkingOnesTheLongOne()
    {
        var logger = new CapturingLogger();
        using var guard = SipInboundGuard.Unlimited(logger);
        var options = new SipTransportOptions { FirstMessageTimeout = TimeSpan.FromMilliseconds(300), IdleTimeout = TimeSpan.FromSeconds(30) };
        await using var transport = new TcpSipTransport(new IPEndPoint(IPAddress.Loopback, 0), options, guard: guard);
        var received = 0;
        transport.Start(_ => Interlocked.Increment(ref received));

        using var talking = await ConnectFrom(IPAddress.Loopback, transport.LocalEndPoint);
        await talking.GetStream().WriteAsync(Options);
        using var silent = await ConnectFrom(IPAddress.Loopback, transport.LocalEndPoint);
        // A partial message is not a message: it keeps the short timeout.
        await silent.GetStream().WriteAsync(Options.AsMemory(0, 40));

        Assert.True(await ClosedWithin(silent, TimeSpan.FromSeconds(5)), "silent connection not closed");
        await WaitUntil(() => Volatile.Read(ref received) == 1);
        Assert.False(await ClosedWithin(talking, TimeSpan.FromSeconds(1)), "a connection that sent a message was closed early");
        Assert.Equal(1, guard.Drops.Total(SipDropReason.SilentConnection));
    }

    [Fact]
    public async Task GlobalLimitCountsConnectionsFromAccept()
    {
        using var guard = SipInboundGuard.Unlimited(new CapturingLogger());
        await using var transport = new TcpSipTransport(new IPEndPoint(IPAddress.Loopback, 0), new SipTransportOptions { MaxConnections = 2, MaxConnectionsPerSource = 2 }, guard: guard);
        transport.Start(_ => { });
        using var a = await ConnectFrom(IPAddress.Parse("127.0.0.3"), transport.LocalEndPoint);
        using var b = await ConnectFrom(IPAddress.Parse("127.0.0.4"), transport.LocalEndPoint);
        await WaitUntil(() => transport.ConnectionCount == 2);
        using var c = await ConnectFrom(IPAddress.Parse("127.0.0.5"), transport.LocalEndPoint);
        Assert.True(await ClosedWithin(c, TimeSpan.FromSeconds(5)));
        Assert.Equal(1, guard.Drops.Total(SipDropReason.Connections));
        a.Dispose();
        await WaitUntil(() => transport.ConnectionCount == 1);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 250 && !condition(); i++) await Task.Delay(20);
        Assert.True(condition());
    }
}
