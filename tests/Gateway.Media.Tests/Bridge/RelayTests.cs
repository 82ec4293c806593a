using System.Buffers.Binary;
using Gateway.Media.Bridge;
using Gateway.Media.Rtp;
using static Gateway.Media.Tests.Bridge.BridgeHarness;

namespace Gateway.Media.Tests.Bridge;

/// <summary>Browser (SRTP) and trunk (RTP) on loopback joined through one session.</summary>
public sealed class RelayTests
{
    internal sealed record Rtp(int PayloadType, ushort SequenceNumber, uint Timestamp, uint Ssrc, bool Marker, byte[] Payload);

    internal static Rtp Parse(byte[] packet)
    {
        Assert.Equal(RtpError.None, RtpHeader.TryParse(packet, out var h, out _));
        return new Rtp(h.PayloadType, h.SequenceNumber, h.Timestamp, h.Ssrc, h.Marker, h.Payload.ToArray());
    }

    [Fact]
    public async Task WebToSip_And_SipToWeb_RemapPayloadTypes_AndUseOwnSsrc()
    {
        // Web Opus-like PT 111 <-> SIP PT 96; telephone-event 126 <-> 101.
        await using var call = await BridgedCall.StartAsync(new MediaCodecMapping(111, 96, 8000, 126, 101));
        var (engine, session, browser, trunk) = call;

        var sent = browser.Rtp(111, fill: 0x42);
        browser.SendSrtp(sent, 172, session.WebEndPoint);
        var atTrunk = await trunk.ReceiveRtpAsync(Wait);
        Assert.NotNull(atTrunk);
        var h = Parse(atTrunk);
        Assert.Equal(96, h.PayloadType);
        Assert.NotEqual(browser.Ssrc, h.Ssrc);
        Assert.Equal(160, h.Payload.Length);
        Assert.True(h.Payload.All(b => b == 0x42));

        browser.SendSrtp(browser.Rtp(126, payloadLength: 4), 16, session.WebEndPoint);
        var te = await trunk.ReceiveRtpAsync(Wait);
        Assert.Equal(101, Parse(te!).PayloadType);
        Assert.Equal((ushort)(h.SequenceNumber + 1), Parse(te!).SequenceNumber);

        trunk.Send(session, trunk.Rtp(96, fill: 0x24));
        var atBrowser = await browser.ReceiveRtpAsync(Wait);
        Assert.NotNull(atBrowser);
        var back = Parse(atBrowser);
        Assert.Equal(111, back.PayloadType);
        Assert.NotEqual(trunk.Ssrc, back.Ssrc);
        Assert.True(back.Payload.All(b => b == 0x24));

        trunk.Send(session, trunk.Rtp(101, payloadLength: 4));
        Assert.Equal(126, Parse((await browser.ReceiveRtpAsync(Wait))!).PayloadType);

        // The relay counts a packet after its send returns, so the receiver may see it before the counter moves.
        await EventuallyAsync(() => session.Stats.WebPacketsOut == 2 && session.Stats.SipPacketsOut == 2 && engine.PacketsRelayed == 4, "the out counters");
        var stats = session.Stats;
        Assert.Equal(2, stats.WebPacketsIn);
        Assert.Equal(2, stats.SipPacketsIn);
        Assert.Equal(2, stats.WebPacketsOut);
        Assert.Equal(2, stats.SipPacketsOut);
        Assert.Equal(4, engine.PacketsRelayed);
        Assert.True(engine.BytesRelayed > 0);
    }

    [Fact]
    public async Task UnmappedPayloadTypes_AreNotForwarded()
    {
        await using var call = await BridgedCall.StartAsync();
        var (_, session, browser, trunk) = call;

        browser.SendAudio(session, 13); // comfort noise was not negotiated
        Assert.Null(await trunk.ReceiveRtpAsync(Short));
        trunk.Send(session, trunk.Rtp(8));
        Assert.Null(await browser.ReceiveRtpAsync(Short));
        browser.SendAudio(session, 0);
        Assert.NotNull(await trunk.ReceiveRtpAsync(Wait));
    }

    [Fact]
    public async Task Hold_StopsForwarding_AndResumeRestartsIt()
    {
        await using var call = await BridgedCall.StartAsync();
        var (_, session, browser, trunk) = call;

        session.SetForwarding(toWeb: false, toSip: false);
        browser.SendAudio(session, 0);
        trunk.Send(session, trunk.Rtp(0));
        Assert.Null(await trunk.ReceiveRtpAsync(Short));
        Assert.Null(await browser.ReceiveRtpAsync(Short));

        session.SetForwarding(toWeb: true, toSip: false);
        browser.SendAudio(session, 0);
        trunk.Send(session, trunk.Rtp(0));
        Assert.NotNull(await browser.ReceiveRtpAsync(Wait));
        Assert.Null(await trunk.ReceiveRtpAsync(Short));

        session.SetForwarding(toWeb: true, toSip: true);
        browser.SendAudio(session, 0);
        Assert.NotNull(await trunk.ReceiveRtpAsync(Wait));
    }

    [Fact]
    public async Task SipLeg_LatchesToTheSourceOfReceivedRtp()
    {
        await using var call = await BridgedCall.StartAsync();
        var (_, session, browser, sdpAddress) = call; // the trunk: what the SDP said
        using var natted = new FakeTrunk();       // where the trunk's RTP really comes from
        using var intruder = new FakeTrunk();

        browser.SendAudio(session, 0);
        Assert.NotNull(await sdpAddress.ReceiveRtpAsync(Wait));

        natted.Send(session, natted.Rtp(0));
        Assert.NotNull(await browser.ReceiveRtpAsync(Wait));
        browser.SendAudio(session, 0);
        Assert.NotNull(await natted.ReceiveRtpAsync(Wait));

        // Once latched, another source is refused.
        intruder.Send(session, intruder.Rtp(0));
        Assert.Null(await browser.ReceiveRtpAsync(Short));
        await EventuallyAsync(() => session.Dropped.Sip >= 1, "the intruder's packet to be counted");
    }

    [Fact]
    public async Task TrunkRtcp_IsTerminated_AndReportsAreGeneratedPerLeg()
    {
        await using var call = await BridgedCall.StartAsync();
        var (_, session, browser, trunk) = call;

        // The trunk's RTCP (an RR to our RTCP port, RFC 3550 §11) is consumed, not relayed.
        var rr = new byte[8];
        Assert.Equal(8, Gateway.Media.Rtcp.RtcpWriter.WriteReceiverReport(rr, trunk.Ssrc, []));
        trunk.Socket.SendTo(rr, new System.Net.IPEndPoint(session.SipEndPoint.Address, session.SipEndPoint.Port + 1));
        await EventuallyAsync(() => session.Sip.Counters.RtcpIn == 1, "the trunk's RR to be consumed");

        // First media sent on a leg triggers its first report (then every 5 s).
        browser.SendAudio(session, 0);
        Assert.NotNull(await trunk.ReceiveRtpAsync(Wait));
        trunk.Send(session, trunk.Rtp(0));
        var srtcp = await browser.ReceiveAsync(Wait, d => d.Length > 8 && d[1] == 200);
        Assert.NotNull(srtcp);
        Assert.Equal(Gateway.Media.Srtp.SrtpError.None, browser.Inbound!.UnprotectRtcp(srtcp, out int n));
        Assert.Equal(200, srtcp[1]); // SR
        Assert.Equal(1, srtcp[0] & 0x1F); // one report block (about the browser's stream)
        Assert.Equal(browser.Ssrc, BinaryPrimitives.ReadUInt32BigEndian(srtcp.AsSpan(28)));
        Assert.True(n > 52); // SR + block + SDES CNAME
    }

    [Fact]
    public async Task ReInvite_MovesTheSipLeg_AndRemaps_KeepingOutputNumberingContinuous()
    {
        await using var call = await BridgedCall.StartAsync(new MediaCodecMapping(0, 0, 8000, null, null));
        var (_, session, browser, first) = call;
        using var second = new FakeTrunk();
        browser.SendAudio(session, 0);
        var before = Parse((await first.ReceiveRtpAsync(Wait))!);

        session.ConfigureSip(second.EndPoint, new MediaCodecMapping(0, 8, 8000, null, null)); // re-INVITE: new address, PCMA PT
        browser.SendAudio(session, 0);
        var after = Parse((await second.ReceiveRtpAsync(Wait))!);
        Assert.Equal(8, after.PayloadType);
        Assert.Equal(before.Ssrc, after.Ssrc);
        Assert.Equal((ushort)(before.SequenceNumber + 1), after.SequenceNumber);
        Assert.Null(await first.ReceiveRtpAsync(Short));
    }
}
