using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Gateway.Media.Bridge;
using Gateway.Media.Srtp;
using static Gateway.Media.Tests.Bridge.BridgeHarness;

namespace Gateway.Media.Tests.Bridge;

/// <summary>The RTP-to-RTP relay (a phone and a trunk anchored in the gateway): both ways, latching, RFC 4733 with a
/// payload-type map, RTCP relayed, SDES-SRTP on one leg, the RTP timeout, ports freed, no allocation per packet.</summary>
[Collection(nameof(AllocationTests))]
public sealed class RtpRelaySessionTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task Relays_BothWays_Unchanged_AndLatchesToTheSource()
    {
        await using var engine = Engine();
        await using var relay = engine.CreateRelay();
        using var phone = new FakeTrunk();
        using var trunk = new FakeTrunk();
        using var natted = new FakeTrunk(); // the trunk's media really comes from here (NAT)
        relay.ConfigureLeg(RtpRelayLeg.A, phone.EndPoint);
        relay.ConfigureLeg(RtpRelayLeg.B, trunk.EndPoint);
        Assert.NotEqual(relay.LocalEndPoint(RtpRelayLeg.A), relay.LocalEndPoint(RtpRelayLeg.B));

        var sent = phone.Rtp(0, fill: 0x41);
        phone.Socket.SendTo(sent, relay.LocalEndPoint(RtpRelayLeg.A));
        var got = await trunk.ReceiveRtpAsync(Wait);
        Assert.NotNull(got);
        Assert.Equal(sent, got); // SSRC, numbering, timestamp and payload untouched

        var back = natted.Rtp(0, fill: 0x42);
        natted.Socket.SendTo(back, relay.LocalEndPoint(RtpRelayLeg.B)); // latches leg B to the NAT'd source
        Assert.Equal(back, await phone.ReceiveRtpAsync(Wait));
        phone.Socket.SendTo(phone.Rtp(0, fill: 0x43), relay.LocalEndPoint(RtpRelayLeg.A));
        var latched = await natted.ReceiveRtpAsync(Wait);
        Assert.NotNull(latched);
        Assert.Equal(0x43, latched[^1]);
        // Once latched, the SDP address is a stranger on leg B: dropped.
        trunk.Socket.SendTo(trunk.Rtp(0), relay.LocalEndPoint(RtpRelayLeg.B));
        await EventuallyAsync(() => relay.Dropped.B == 1, "the stranger's packet to be dropped");

        var stats = relay.Stats;
        Assert.Equal(2, stats.A.PacketsIn);
        Assert.Equal(1, stats.A.PacketsOut);
        Assert.Equal(1, stats.B.PacketsIn);
        Assert.Equal(2, stats.B.PacketsOut);
        Assert.True(engine.PacketsRelayed >= 3);
    }

    [Fact]
    public async Task TelephoneEvent_IsMapped_AndRtcpRelayed()
    {
        await using var engine = Engine();
        await using var relay = engine.CreateRelay();
        using var phone = new FakeTrunk();
        using var trunk = new FakeTrunk();
        using var trunkRtcp = new FakeTrunk();
        relay.ConfigureLeg(RtpRelayLeg.A, phone.EndPoint);
        relay.ConfigureLeg(RtpRelayLeg.B, trunk.EndPoint);
        relay.MapPayloadType(RtpRelayLeg.A, 101, 96);
        relay.MapPayloadType(RtpRelayLeg.B, 96, 101);

        var digit = phone.Rtp(101, payloadLength: 4);
        digit[1] |= 0x80; // marker
        phone.Socket.SendTo(digit, relay.LocalEndPoint(RtpRelayLeg.A));
        var got = await trunk.ReceiveRtpAsync(Wait);
        Assert.NotNull(got);
        Assert.Equal(0x80 | 96, got[1]); // marker kept, type renumbered
        Assert.Equal(digit.AsSpan(2).ToArray(), got.AsSpan(2).ToArray());

        // The trunk's RTCP (a receiver report) from its RTCP port reaches the phone's RTCP port (RTP port + 1) unchanged.
        using var phoneRtcp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        relay.ConfigureLeg(RtpRelayLeg.A, new IPEndPoint(IPAddress.Loopback, ((IPEndPoint)phoneRtcp.Client.LocalEndPoint!).Port - 1));
        var rr = ReceiverReport(trunk.Ssrc);
        var rtcpPort = new IPEndPoint(IPAddress.Loopback, relay.LocalEndPoint(RtpRelayLeg.B).Port + 1);
        trunkRtcp.Socket.SendTo(rr, rtcpPort);
        using var cts = new CancellationTokenSource(Wait);
        var report = await phoneRtcp.ReceiveAsync(cts.Token);
        Assert.Equal(rr, report.Buffer);
    }

    [Fact]
    public async Task SdesSrtp_OnOneLeg_PlainOnTheOther()
    {
        await using var engine = Engine();
        await using var relay = engine.CreateRelay();
        using var phone = new FakeTrunk();
        using var trunk = new FakeTrunk();
        var keys = SdesKeys();
        relay.ConfigureLeg(RtpRelayLeg.A, phone.EndPoint);
        relay.ConfigureLeg(RtpRelayLeg.B, trunk.EndPoint, keys);
        // The trunk's contexts are ours mirrored: it sends with our receive key and receives with our send key.
        using var trunkSend = new SrtpContext(keys.Profile, keys.ReceiveKeySalt.AsSpan(0, SrtpProfiles.KeyLength), keys.ReceiveKeySalt.AsSpan(SrtpProfiles.KeyLength));
        using var trunkReceive = new SrtpContext(keys.Profile, keys.SendKeySalt.AsSpan(0, SrtpProfiles.KeyLength), keys.SendKeySalt.AsSpan(SrtpProfiles.KeyLength));

        var plain = phone.Rtp(0, fill: 0x51);
        phone.Socket.SendTo(plain, relay.LocalEndPoint(RtpRelayLeg.A));
        var srtp = await trunk.ReceiveRtpAsync(Wait);
        Assert.NotNull(srtp);
        Assert.Equal(SrtpError.None, trunkReceive.UnprotectRtp(srtp, out int n));
        Assert.Equal(plain, srtp[..n]);

        var fromTrunk = new byte[172 + 64];
        trunk.Rtp(0, fill: 0x52).CopyTo(fromTrunk, 0);
        Assert.Equal(SrtpError.None, trunkSend.ProtectRtp(fromTrunk, 172, out int m));
        trunk.Socket.SendTo(fromTrunk.AsSpan(0, m), relay.LocalEndPoint(RtpRelayLeg.B));
        var toPhone = await phone.ReceiveRtpAsync(Wait);
        Assert.NotNull(toPhone);
        Assert.Equal(172, toPhone.Length);
        Assert.Equal(0x52, toPhone[^1]);
    }

    [Fact]
    public async Task RtpTimeout_EndsOnce_HoldPausesIt_AndDisposeFreesThePorts()
    {
        var clock = new ManualClock();
        await using var engine = Engine(clock, rtpTimeout: TimeSpan.FromSeconds(10));
        var relay = engine.CreateRelay();
        Assert.Equal(4, engine.PortsInUse);
        Assert.Equal(1, engine.ActiveRelays);
        using var phone = new FakeTrunk();
        var ended = new List<MediaEndReason>();
        relay.Ended += (_, r) => ended.Add(r);
        relay.ConfigureLeg(RtpRelayLeg.A, phone.EndPoint);
        relay.SetForwarding(aToB: false, bToA: false);
        clock.Advance(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1));
        Assert.Empty(ended);
        relay.SetForwarding(aToB: true, bToA: true);
        clock.Advance(TimeSpan.FromSeconds(12), TimeSpan.FromSeconds(1));
        Assert.Equal([MediaEndReason.RtpTimeout], ended);
        clock.Advance(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1));
        Assert.Single(ended);
        await relay.DisposeAsync();
        Assert.Equal(0, engine.PortsInUse);
        Assert.Equal(0, engine.ActiveRelays);
    }

    [Fact]
    public async Task RelayingThousandsOfPackets_AllocatesNothingPerPacket()
    {
        await using var engine = Engine();
        await using var relay = engine.CreateRelay();
        using var phone = new FakeTrunk();
        using var trunk = new FakeTrunk();
        relay.ConfigureLeg(RtpRelayLeg.A, phone.EndPoint);
        relay.ConfigureLeg(RtpRelayLeg.B, trunk.EndPoint);
        SocketAddress a = relay.LocalEndPoint(RtpRelayLeg.A).Serialize(), b = relay.LocalEndPoint(RtpRelayLeg.B).Serialize();
        const int perRound = 2000;
        var fromPhone = Enumerable.Range(0, perRound).Select(_ => phone.Rtp(0)).ToArray();
        var fromTrunk = Enumerable.Range(0, perRound).Select(_ => trunk.Rtp(0)).ToArray();
        var results = new List<string>();
        for (int round = 0; round < 5; round++)
        {
            long start = relay.Stats.A.PacketsIn + relay.Stats.B.PacketsIn;
            long before = GC.GetTotalAllocatedBytes(precise: true);
            var sender = new Thread(() =>
            {
                for (int i = 0; i < perRound; i++)
                {
                    phone.Socket.SendTo(fromPhone[i], SocketFlags.None, a);
                    trunk.Socket.SendTo(fromTrunk[i], SocketFlags.None, b);
                    if (i % 10 == 0) Thread.Sleep(1);
                }
            });
            sender.Start();
            sender.Join();
            long seen = -1;
            while (relay.Stats.A.PacketsIn + relay.Stats.B.PacketsIn is var now && now != seen) { seen = now; await Task.Delay(500); }
            long relayed = seen - start, allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            results.Add($"{allocated} B for {relayed} packets");
            output.WriteLine($"round {round}: {allocated} B allocated while relaying {relayed} packets");
            if (round > 0 && relayed >= 2 * perRound * 9 / 10 && allocated < relayed * 8) return; // round 0 warms up
        }
        Assert.Fail("allocation per packet: " + string.Join("; ", results));
    }

    private static byte[] ReceiverReport(uint ssrc)
    {
        var rr = new byte[8];
        rr[0] = 0x80; // V=2, no report blocks
        rr[1] = 201;
        BinaryPrimitives.WriteUInt16BigEndian(rr.AsSpan(2), 1);
        BinaryPrimitives.WriteUInt32BigEndian(rr.AsSpan(4), ssrc);
        return rr;
    }

    private static SdesSrtpKeys SdesKeys()
    {
        var send = new byte[30];
        var receive = new byte[30];
        Random.Shared.NextBytes(send);
        Random.Shared.NextBytes(receive);
        return new SdesSrtpKeys(SrtpProfile.AesCm128HmacSha1_80, send, receive);
    }
}
