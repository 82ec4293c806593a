using System.Net;
using System.Net.Sockets;
using static Gateway.Media.Tests.Bridge.BridgeHarness;

namespace Gateway.Media.Tests.Bridge;

/// <summary>The shared web port's address routing when the browser moves (RFC 8445 §7.3.1.5).</summary>
public sealed class SharedWebPortTests
{
    [Fact]
    public async Task BrowserMoves_OldAddressStopsRouting_AndMovingBackRoutesItAgain()
    {
        await using var call = await BridgedCall.StartAsync(engine: Engine(sharedWebPort: FreeUdpPort()));
        var (engine, session, browser, trunk) = call;
        using var moved = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        moved.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        browser.SendAudio(session, 0, fill: 0xA1);
        Assert.Equal(0xA1, (await trunk.ReceiveRtpAsync(Wait))![^1]);
        Assert.Equal(1, engine.SharedAddressCount);

        // The browser nominates a new address (same credentials and keys): only the new one routes to the session.
        // (The check's response leaves before the leg records the address, so wait for the bookkeeping.)
        await browser.ConnectIceAsync(session, from: moved);
        await EventuallyAsync(() => session.Web.ValidatedAddresses.Count == 2 && engine.SharedAddressCount == 1, "the new address to route");
        Assert.Equal(2, session.Web.ValidatedAddresses.Count); // the leg keeps what it validated
        Assert.Equal(1, engine.SharedAddressCount);
        browser.SendAudio(session, 0, fill: 0xB1, from: moved);
        Assert.Equal(0xB1, (await trunk.ReceiveRtpAsync(Wait))![^1]);
        browser.SendAudio(session, 0, fill: 0xA2); // from the old address: unroutable now
        Assert.Null(await trunk.ReceiveRtpAsync(Short));

        // Media to the browser goes to the nominated address.
        trunk.Send(session, trunk.Rtp(0, fill: 0xC1));
        Assert.Equal(0xC1, (await browser.ReceiveRtpAsync(Wait, on: moved))![^1]);

        // Moving back: the old address (already in the leg's list) is validated again and routes once more.
        await browser.ConnectIceAsync(session);
        await EventuallyAsync(() => engine.SharedAddressCount == 1, "the old address to route again");
        browser.SendAudio(session, 0, fill: 0xA3);
        Assert.Equal(0xA3, (await trunk.ReceiveRtpAsync(Wait))![^1]);
        browser.SendAudio(session, 0, fill: 0xB2, from: moved);
        Assert.Null(await trunk.ReceiveRtpAsync(Short));
    }

    private static int FreeUdpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
