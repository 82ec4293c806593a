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
    private const int PerRound = 2000;

    [Fact]
    public async Task RelayingThousandsOfPackets_AllocatesNothingPerPacket()
    {
        await using var call = await BridgedCall.StartAsync();
        var (_, session, browser, trunk) = call;
        SocketAddress web = session.WebEndPoint.Serialize(), rtp = session.SipEndPoint.Serialize();

        // Warm-up round (JIT, the socket's cached async state, SRTP stream state), then measured rounds. The whole process
        // counts (thread injection, timers), so a round only proves something when the machine delivered nearly every packet.
        await RoundAsync(session, browser, trunk, web, rtp);
        var results = new List<string>();
        for (int round = 0; round < 4; round++)
        {
            var (relayed, allocated) = await RoundAsync(session, browser, trunk, web, rtp);
            results.Add($"{allocated} B for {relayed} packets");
            output.WriteLine($"round {round}: {allocated} B allocated in the process while relaying {relayed} packets");
            // Any per-packet buffer, IPEndPoint, SocketAddress or Task is 24 B or more per packet.
            if (relayed >= 2 * PerRound * 9 / 10 && allocated < relayed * 8) return;
        }
        Assert.Fail("allocation per packet: " + string.Join("; ", results));
    }

    private static async Task<(long Relayed, long Allocated)> RoundAsync(Gateway.Media.Bridge.MediaSession session, FakeBrowser browser,
        FakeTrunk trunk, SocketAddress web, SocketAddress rtp)
    {
        var srtp = new byte[PerRound][];
        var sip = new byte[PerRound][];
        for (int i = 0; i < PerRound; i++)
        {
            var p = browser.Rtp(0);
            Assert.Equal(Gateway.Media.Srtp.SrtpError.None, browser.Outbound!.ProtectRtp(p, 172, out int n));
            srtp[i] = p[..n];
            sip[i] = trunk.Rtp(0);
        }
        long start = session.Stats.WebPacketsIn + session.Stats.SipPacketsIn;
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var sent = new TaskCompletionSource();
        var sender = new Thread(() =>
        {
            // A dedicated, paced sender: the thread pool stays free for the receive loops and the kernel does not drop.
            for (int i = 0; i < PerRound; i++)
            {
                browser.Socket.SendTo(srtp[i], SocketFlags.None, web);
                trunk.Socket.SendTo(sip[i], SocketFlags.None, rtp);
                if (i % 10 == 0) Thread.Sleep(1);
            }
            sent.SetResult();
        });
        sender.Start();
        await sent.Task;
        long seen = -1;
        while (session.Stats.WebPacketsIn + session.Stats.SipPacketsIn is var now && now != seen) { seen = now; await Task.Delay(500); }
        return (seen - start, GC.GetTotalAllocatedBytes(precise: true) - before);
    }
}
