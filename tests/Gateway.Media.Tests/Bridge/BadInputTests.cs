using System.Net;
using System.Net.Sockets;
using Gateway.Media.Bridge;
using static Gateway.Media.Tests.Bridge.BridgeHarness;

namespace Gateway.Media.Tests.Bridge;

/// <summary>Hostile or broken datagrams are dropped and counted; the session and its neighbours keep relaying.</summary>
public sealed class BadInputTests
{
    [Fact]
    public async Task Garbage_Truncated_Forged_AndUnknownSources_AreDroppedAndCounted()
    {
        await using var engine = Engine();
        await using var session = engine.CreateSession();
        await using var neighbour = engine.CreateSession();
        using var browser = new FakeBrowser();
        using var other = new FakeBrowser();
        using var stranger = new FakeBrowser();
        using var trunk = new FakeTrunk();
        using var otherTrunk = new FakeTrunk();
        await ConnectAsync(session, browser);
        await ConnectAsync(neighbour, other);
        session.ConfigureSip(trunk.EndPoint, Pcmu());
        neighbour.ConfigureSip(otherTrunk.EndPoint, Pcmu());

        var web = session.WebEndPoint;
        var random = new Random(7);
        int sent = 0;
        for (int i = 0; i < 300; i++)
        {
            var junk = new byte[random.Next(0, 300)];
            random.NextBytes(junk);
            browser.Socket.SendTo(junk, web);            // garbage of every first byte, from a validated address
            trunk.Socket.SendTo(junk, session.SipEndPoint); // and on the SIP port
            if (++sent % 10 == 0) await Task.Delay(2); // paced: a burst would only test the kernel's receive buffer
        }
        // Truncated SRTP, then a forged tag.
        var packet = browser.Rtp(0);
        Assert.Equal(Gateway.Media.Srtp.SrtpError.None, browser.Outbound!.ProtectRtp(packet, 172, out int n));
        browser.Socket.SendTo(packet.AsSpan(0, 15), web);
        var forged = packet.AsSpan(0, n).ToArray();
        forged[^1] ^= 0xFF;
        browser.Socket.SendTo(forged, web);
        // Valid SRTP but from an address that never passed an ICE check.
        stranger.Socket.SendTo(packet.AsSpan(0, n), web);
        // A STUN check with the wrong password: 401, nothing validated.
        stranger.Socket.SendTo(stranger.Check(session.LocalIce, password: "wrongwrongwrongwrongwrong"), web);
        // A replay of a packet already received.
        browser.Socket.SendTo(packet.AsSpan(0, n), web);
        var first = await trunk.ReceiveRtpAsync(Wait);
        Assert.True(first is not null, $"dropped {session.Dropped} faults {session.Web.Socket.HandlerFaults} in {session.Stats}");
        browser.Socket.SendTo(packet.AsSpan(0, n), web);

        await EventuallyAsync(() => session.Dropped.Web >= 4, "the bad SRTP to be counted");
        // Still relaying, both ways, and the neighbour too.
        browser.SendAudio(session, 0, fill: 0x71);
        var ok = await trunk.ReceiveRtpAsync(Wait);
        Assert.NotNull(ok);
        Assert.Equal(0x71, ok[^1]);
        trunk.Send(session, trunk.Rtp(0));
        Assert.NotNull(await browser.ReceiveRtpAsync(Wait));
        other.SendAudio(neighbour, 0);
        Assert.NotNull(await otherTrunk.ReceiveRtpAsync(Wait));
        Assert.Single(session.Web.ValidatedAddresses); // the browser only
        Assert.Equal(0, session.Web.Socket.HandlerFaults);
        Assert.Equal(0, session.Sip.RtpSocket.HandlerFaults);
        Assert.True(session.Dropped.Sip > 0);
    }

    [Fact]
    public async Task SharedWebPort_ServesTwoSessions_OnOnePort()
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }
        await using var engine = Engine(sharedWebPort: port);
        await using var a = engine.CreateSession();
        await using var b = engine.CreateSession();
        Assert.Equal(port, a.WebEndPoint.Port);
        Assert.Equal(port, b.WebEndPoint.Port);
        using var browserA = new FakeBrowser();
        using var browserB = new FakeBrowser();
        using var trunkA = new FakeTrunk();
        using var trunkB = new FakeTrunk();
        await ConnectAsync(a, browserA);
        await ConnectAsync(b, browserB);
        a.ConfigureSip(trunkA.EndPoint, Pcmu());
        b.ConfigureSip(trunkB.EndPoint, Pcmu());

        browserA.SendAudio(a, 0, fill: 0xA1);
        browserB.SendAudio(b, 0, fill: 0xB1);
        Assert.Equal(0xA1, (await trunkA.ReceiveRtpAsync(Wait))![^1]);
        Assert.Equal(0xB1, (await trunkB.ReceiveRtpAsync(Wait))![^1]);
        trunkB.Send(b, trunkB.Rtp(0, fill: 0xB2));
        Assert.Equal(0xB2, (await browserB.ReceiveRtpAsync(Wait))![^1]);
        Assert.Equal(2, engine.SharedAddressCount);
        await a.DisposeAsync();
        Assert.Equal(1, engine.SharedAddressCount);
        browserB.SendAudio(b, 0, fill: 0xB3);
        Assert.Equal(0xB3, (await trunkB.ReceiveRtpAsync(Wait))![^1]);
    }
}
