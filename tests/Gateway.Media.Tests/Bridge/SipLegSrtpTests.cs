using System.Buffers.Binary;
using System.Security.Cryptography;
using Gateway.Media.Bridge;
using Gateway.Media.Srtp;
using static Gateway.Media.Tests.Bridge.BridgeHarness;

namespace Gateway.Media.Tests.Bridge;

/// <summary>The SIP leg with SDES keys (RFC 4568): the trunk sees SRTP only, and only authenticated SRTP reaches the browser.</summary>
public sealed class SipLegSrtpTests
{
    private static (SdesSrtpKeys Gateway, SrtpContext TrunkSend, SrtpContext TrunkReceive) Keys(SrtpProfile profile)
    {
        byte[] gatewayKey = RandomNumberGenerator.GetBytes(30), trunkKey = RandomNumberGenerator.GetBytes(30);
        var keys = new SdesSrtpKeys(profile, gatewayKey, trunkKey);
        return (keys, new SrtpContext(profile, trunkKey.AsSpan(0, 16), trunkKey.AsSpan(16)), new SrtpContext(profile, gatewayKey.AsSpan(0, 16), gatewayKey.AsSpan(16)));
    }

    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1_80)]
    [InlineData(SrtpProfile.AesCm128HmacSha1_32)]
    public async Task Relay_ProtectsTowardTheTrunk_AndUnprotectsFromIt(SrtpProfile profile)
    {
        var (keys, trunkSend, trunkReceive) = Keys(profile);
        using var _ = trunkSend;
        using var __ = trunkReceive;
        await using var call = await BridgedCall.StartAsync(Pcmu() with { SipSrtp = keys });
        var (_, session, browser, trunk) = call;

        browser.SendSrtp(browser.Rtp(111, fill: 0x42), 172, session.WebEndPoint);
        var atTrunk = await trunk.ReceiveRtpAsync(Wait);
        Assert.NotNull(atTrunk);
        Assert.Equal(12 + 160 + profile.RtpTagLength(), atTrunk.Length);
        Assert.False(atTrunk.AsSpan(12, 160).IndexOfAnyExcept((byte)0x42) < 0, "the payload on the wire is encrypted");
        Assert.Equal(SrtpError.None, trunkReceive.UnprotectRtp(atTrunk, out var plainLength));
        Assert.Equal(172, plainLength);
        Assert.True(atTrunk.AsSpan(12, 160).IndexOfAnyExcept((byte)0x42) < 0);

        var rtp = trunk.Rtp(0, fill: 0x24);
        var packet = new byte[rtp.Length + 10];
        rtp.CopyTo(packet, 0);
        Assert.Equal(SrtpError.None, trunkSend.ProtectRtp(packet, rtp.Length, out var protectedLength));
        trunk.Send(session, packet[..protectedLength]);
        var atBrowser = await browser.ReceiveRtpAsync(Wait);
        Assert.NotNull(atBrowser);
        Assert.True(RelayTests.Parse(atBrowser).Payload.All(b => b == 0x24));
    }

    [Fact]
    public async Task PlainRtp_FromTheTrunk_IsDropped_AndDoesNotLatch()
    {
        var (keys, trunkSend, trunkReceive) = Keys(SrtpProfile.AesCm128HmacSha1_80);
        using var _ = trunkSend;
        using var __ = trunkReceive;
        await using var call = await BridgedCall.StartAsync(Pcmu() with { SipSrtp = keys });
        var (_, session, browser, trunk) = call;

        trunk.Send(session, trunk.Rtp(0, fill: 0x24)); // no tag: fails authentication
        await EventuallyAsync(() => session.Dropped.Sip == 1, "the forged packet dropped");
        Assert.Null(await browser.ReceiveRtpAsync(Short));
        Assert.Equal(0, session.Stats.SipPacketsIn);
    }

    [Fact]
    public async Task Srtcp_FromTheTrunk_IsUnprotected_AndCounted()
    {
        var (keys, trunkSend, trunkReceive) = Keys(SrtpProfile.AesCm128HmacSha1_80);
        using var _ = trunkSend;
        using var __ = trunkReceive;
        await using var call = await BridgedCall.StartAsync(Pcmu() with { SipSrtp = keys });
        var (_, session, _, trunk) = call;

        // A receiver report (RFC 3550 §6.4.2) with no report blocks, protected as SRTCP (RFC 3711 §3.4).
        var rr = new byte[8 + 14];
        rr[0] = 0x80;
        rr[1] = 201;
        BinaryPrimitives.WriteUInt16BigEndian(rr.AsSpan(2), 1);
        BinaryPrimitives.WriteUInt32BigEndian(rr.AsSpan(4), trunk.Ssrc);
        Assert.Equal(SrtpError.None, trunkSend.ProtectRtcp(rr, 8, out var n));
        trunk.Socket.SendTo(rr.AsSpan(0, n), new System.Net.IPEndPoint(session.SipEndPoint.Address, session.SipEndPoint.Port + 1));
        await EventuallyAsync(() => Volatile.Read(ref session.Sip.Counters.RtcpIn) == 1, "the SRTCP report accepted");
        Assert.Equal(0, session.Dropped.Sip);
    }
}
