using System.Net;
using System.Net.Sockets;
using static Gateway.Media.Tests.Bridge.BridgeHarness;

namespace Gateway.Media.Tests.Bridge;

[CollectionDefinition(nameof(AllocationTests), DisableParallelization = true)]
public sealed class AllocationCollection;

/// <summary>The relay's receive loops (ReceiveFromAsync into a reused SocketAddress, in-place SRTP, span sends) allocate nothing per packet.</summary>
[Collection(nameof(AllocationTests))]
public sealed class AllocationTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task RelayingThousandsOfPackets_AllocatesNothingPerPacket()
    {
        await using var engine = Engine();
        await using var session = engine.CreateSession();
        using var browser = new FakeBrowser();
        using var trunk = new FakeTrunk();
        await ConnectAsync(session, browser);
        session.ConfigureSip(trunk.EndPoint, Pcmu());

        const int count = 4000;
        var srtp = new byte[count][];
        var sip = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            var p = browser.Rtp(0);
            Assert.Equal(Gateway.Media.Srtp.SrtpError.None, browser.Outbound!.ProtectRtp(p, 172, out int n));
            srtp[i] = p[..n];
            sip[i] = trunk.Rtp(0);
        }
        SocketAddress web = session.WebEndPoint.Serialize(), rtp = session.SipEndPoint.Serialize();
        // Warm up (JIT, first SocketAsyncEventArgs, SRTP stream state).
        for (int i = 0; i < 200; i++) { browser.Socket.SendTo(srtp[i], SocketFlags.None, web); trunk.Socket.SendTo(sip[i], SocketFlags.None, rtp); }
        await EventuallyAsync(() => session.Stats.WebPacketsIn == 200 && session.Stats.SipPacketsIn == 200, "the warm-up");

        long before = GC.GetTotalAllocatedBytes(precise: true);
        // A dedicated sender thread: the thread pool stays free for the receive loops.
        var sent = new TaskCompletionSource();
        var sender = new Thread(() =>
        {
            for (int i = 200; i < count; i++)
            {
                browser.Socket.SendTo(srtp[i], SocketFlags.None, web);
                trunk.Socket.SendTo(sip[i], SocketFlags.None, rtp);
                if (i % 10 == 0) Thread.Sleep(1); // paced, so the kernel does not drop
            }
            sent.SetResult();
        });
        sender.Start();
        await sent.Task; // no pool thread blocked
        // Wait until the loops are idle (a loaded machine may drop some datagrams in the kernel: they do not count).
        long seen = -1;
        while (session.Stats.WebPacketsIn + session.Stats.SipPacketsIn is var now && now != seen) { seen = now; await Task.Delay(1000); }
        Assert.True(seen > 1000, $"only {seen} of {2 * count} packets arrived");
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        long relayed = session.Stats.WebPacketsIn + session.Stats.SipPacketsIn - 400;
        output.WriteLine($"{allocated} B allocated in the process while relaying {relayed} packets");
        // Everything in the process counts (thread injection, timers, the test's own waits), so the bar is an average under
        // 64 B/packet: any per-packet buffer, IPEndPoint, SocketAddress or Task (each 64 B or more) would break it.
        // The exact figure (0 B) comes from BridgeBenchmarks with MemoryDiagnoser.
        Assert.True(allocated < relayed * 64, $"{allocated} B allocated while relaying {relayed} packets ({(double)allocated / relayed:F1} B/packet)");
    }
}
