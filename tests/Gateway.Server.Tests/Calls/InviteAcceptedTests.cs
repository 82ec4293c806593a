using Gateway.Server.Signaling;
using Gateway.Sip.Messages;

namespace Gateway.Server.Tests.Calls;

/// <summary>RFC 6026 §8.4 through the call layer: a retransmitted 2xx is absorbed by the INVITE transaction (Accepted) and ACKed again.</summary>
public sealed class InviteAcceptedTests
{
    [Fact]
    public async Task A_retransmitted_2xx_to_the_INVITE_and_to_a_re_INVITE_gets_the_same_ACK_again()
    {
        await using var peer = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", peer.Port, "")]);
        var web = new FakeWebSession("w1", "alice");
        gw.Place(web, "c1", "+14155550100");
        await web.WaitForAsync("answer", "c1");
        var ack = await peer.WaitForAsync(SipMethods.Ack);

        await peer.Stack.SendStatelessAsync(peer.LastAnswer!, peer.GatewayEndPoint!.Value);
        var again = await peer.WaitForAsync(SipMethods.Ack, 2);
        Assert.Equal(ack.CSeq, again.CSeq);
        Assert.Equal(ack.GetHeader("Via"), again.GetHeader("Via")); // the same ACK, not a new one

        gw.Controller.OnMessage(web, new SetHold("c1", true));
        var hold = await peer.WaitForAsync(SipMethods.Invite, 2);
        await peer.WaitForAsync(SipMethods.Ack, 3);
        await peer.Stack.SendStatelessAsync(peer.LastAnswer!, peer.GatewayEndPoint!.Value);
        var holdAck = await peer.WaitForAsync(SipMethods.Ack, 4);
        Assert.Equal(hold.CSeq!.Value.Number, holdAck.CSeq!.Value.Number);

        gw.Controller.OnMessage(web, new Hangup("c1"));
        await gw.WaitForNoCallsAsync();
    }
}
