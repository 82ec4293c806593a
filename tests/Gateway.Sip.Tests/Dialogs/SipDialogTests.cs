using Gateway.Sip.Dialogs;
using Gateway.Sip.Messages;

namespace Gateway.Sip.Tests.Dialogs;

public sealed class SipDialogTests
{
    private static SipRequest Invite()
    {
        var invite = SipRequest.Create(SipMethods.Invite, SipUri.Parse("sip:bob@biloxi.example.com"));
        invite.AddHeader("Via", "SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds");
        invite.AddHeader("From", "Alice <sip:alice@atlanta.example.com>;tag=1928301774");
        invite.AddHeader("To", "Bob <sip:bob@biloxi.example.com>");
        invite.AddHeader("Call-ID", "a84b4c76e66710@pc33.atlanta.example.com");
        invite.AddHeader("CSeq", "314159 INVITE");
        invite.AddHeader("Contact", "<sip:alice@pc33.atlanta.example.com>");
        invite.AddHeader("Record-Route", "<sip:p1.example.com;lr>, <sip:p2.example.com;lr>");
        return invite;
    }

    private static SipResponse Ok(SipRequest invite)
    {
        // The proxies' Record-Route (p1, p2) comes back in the 2xx as the UAS copied it (RFC 3261 §12.1.1).
        var ok = SipResponse.CreateFor(invite, 200, toTag: "a6c85cf");
        ok.AddHeader("Contact", "<sip:bob@192.0.2.4>");
        return ok;
    }

    [Fact]
    public void UacDialogReversesTheRecordRouteAndTargetsTheContact()
    {
        var invite = Invite();
        Assert.True(SipDialog.TryCreateAsUac(invite, Ok(invite), out var dialog));
        Assert.Equal("1928301774", dialog!.LocalTag);
        Assert.Equal("a6c85cf", dialog.RemoteTag);
        Assert.Equal("sip:bob@192.0.2.4", dialog.RemoteTarget.ToString());
        Assert.Equal(["p2.example.com", "p1.example.com"], dialog.RouteSet.Select(r => r.Uri.Host));

        var bye = dialog.CreateRequest(SipMethods.Bye);
        Assert.Equal(new CSeqValue(314160, "BYE"), bye.CSeq);
        Assert.Equal("sip:bob@192.0.2.4", bye.RequestUri.ToString());
        Assert.Equal(2, bye.Routes.Count);
        Assert.Equal("a6c85cf", bye.To!.Tag);
        Assert.True(dialog.Matches(SipResponse.CreateFor(bye, 200)));

        var ack = dialog.CreateAck(314159);
        Assert.Equal(new CSeqValue(314159, "ACK"), ack.CSeq);
    }

    [Fact]
    public void UasDialogKeepsTheRecordRouteOrderAndChecksRemoteCSeq()
    {
        var invite = Invite();
        Assert.True(SipDialog.TryCreateAsUas(invite, "b0b", out var dialog));
        Assert.Equal(["p1.example.com", "p2.example.com"], dialog!.RouteSet.Select(r => r.Uri.Host));
        Assert.Equal("sip:alice@pc33.atlanta.example.com", dialog.RemoteTarget.ToString());

        var reinvite = dialog.CreateRequest(SipMethods.Invite); // shaped like the peer's, for the CSeq checks
        reinvite.SetHeader("CSeq", "314160 INVITE");
        reinvite.SetHeader("Contact", "<sip:alice@198.51.100.7>");
        Assert.True(dialog.TryAcceptRemoteRequest(reinvite));
        Assert.Equal("sip:alice@198.51.100.7", dialog.RemoteTarget.ToString()); // target refresh (§12.2.2)
        Assert.False(dialog.TryAcceptRemoteRequest(reinvite)); // same CSeq again: out of order
    }

    [Fact]
    public void NoDialogWithoutTags()
    {
        var invite = Invite();
        Assert.False(SipDialog.TryCreateAsUac(invite, SipResponse.CreateFor(invite, 200), out _));
        invite.SetHeader("From", "<sip:alice@atlanta.example.com>");
        Assert.False(SipDialog.TryCreateAsUas(invite, "x", out _));
    }
}
