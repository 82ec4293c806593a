using System.Text;
using Gateway.Server.Signaling;
using Gateway.Sip.Messages;

namespace Gateway.Server.Tests.Calls;

/// <summary>Issue #14 item 5 through the call layer: the identity headers of outbound INVITEs, and the caller inbound INVITEs show the browser.</summary>
public sealed class CallerIdentityCallTests
{
    private static async Task<SipRequest> PlaceAsync(string trunkExtra, string extraRoutes = "", string number = "+14155550100")
    {
        await using var peer = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", peer.Port, trunkExtra)], extraRoutes: extraRoutes);
        var web = new FakeWebSession("w1", "alice");
        gw.Place(web, "c1", number);
        await web.WaitForAsync("answer", "c1");
        gw.Controller.OnMessage(web, new Hangup("c1"));
        await gw.WaitForNoCallsAsync();
        return await peer.WaitForAsync(SipMethods.Invite);
    }

    [Fact]
    public async Task Without_identity_keys_From_is_the_caller_at_the_gateway_domain_and_nothing_is_added()
    {
        var invite = await PlaceAsync("");
        Assert.Equal("alice", invite.From!.Uri.User);
        Assert.Equal("gateway.local", invite.From.Uri.Host);
        Assert.Null(invite.GetHeader("P-Asserted-Identity"));
        Assert.Null(invite.GetHeader("Privacy"));
        Assert.Null(invite.RequestUri.GetParameter("user"));
    }

    [Fact]
    public async Task A_trunk_account_goes_in_From_and_the_caller_in_PAI_with_user_phone()
    {
        var invite = await PlaceAsync("from_user: '4420799900'\nfrom_host: sip.carrier.example\nidentity: pai\nuser_phone: true",
            "  - name: presented\n    match: { prefix: '+1415' }\n    trunk: pstn\n    caller_id: '+441632960001'\n");
        Assert.Equal("<sip:4420799900@sip.carrier.example;user=phone>", invite.GetHeader("From")!.Split(";tag=")[0]);
        Assert.Equal("<sip:+441632960001@sip.carrier.example;user=phone>", invite.GetHeader("P-Asserted-Identity"));
        Assert.Equal("phone", invite.RequestUri.GetParameter("user"));
        Assert.EndsWith(";user=phone>", invite.GetHeader("To"));
    }

    [Fact]
    public async Task A_withheld_route_sends_an_anonymous_From_Privacy_id_and_the_caller_in_PPI()
    {
        var invite = await PlaceAsync("identity: pai",
            "  - name: withheld\n    match: { prefix: '+1415' }\n    trunk: pstn\n    caller_id: '+441632960001'\n    privacy: id\n    identity: ppi\n");
        Assert.Equal("anonymous.invalid", invite.From!.Uri.Host);
        Assert.NotNull(invite.From.Tag);
        Assert.Equal("id", invite.GetHeader("Privacy"));
        Assert.Equal("<sip:+441632960001@gateway.local>", invite.GetHeader("P-Preferred-Identity"));
        Assert.Null(invite.GetHeader("P-Asserted-Identity"));
    }

    [Theory]
    [InlineData("", "+441632960001", "Reception")]
    [InlineData("trust_identity: false", "+441632960000", "Front desk")]
    public async Task An_inbound_caller_comes_from_PAI_only_when_the_trunk_is_trusted(string trunkExtra, string from, string display)
    {
        await using var caller = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", caller.Port, trunkExtra)], inboundSources: "'127.0.0.0/8'", allowUnknownSources: false);
        var web = new FakeWebSession("w1", "bob");
        gw.Users.Register("bob", web);

        var (_, tx, _) = caller.Call(gw.EndPoint, "bob", extraHeader: "P-Asserted-Identity: \"Reception\" <sip:+441632960001@carrier.example>");
        var incoming = await web.WaitForAsync("incoming");

        Assert.Equal(from, (string)incoming["from"]!);
        Assert.Equal(display, (string)incoming["display"]!);
        gw.Controller.OnMessage(web, new RejectIncoming((string)incoming["id"]!, 486));
        Assert.Equal(486, (await tx.FinalResponse).StatusCode);
    }

    [Fact]
    public async Task An_unknown_source_never_asserts_the_caller()
    {
        await using var caller = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", caller.Port, "")], inboundSources: "'10.0.0.0/8'", allowUnknownSources: true);
        var web = new FakeWebSession("w1", "bob");
        gw.Users.Register("bob", web);

        var (_, tx, _) = caller.Call(gw.EndPoint, "bob", extraHeader: "P-Asserted-Identity: <sip:+441632960001@carrier.example>");
        var incoming = await web.WaitForAsync("incoming");

        Assert.Equal("+441632960000", (string)incoming["from"]!);
        gw.Controller.OnMessage(web, new RejectIncoming((string)incoming["id"]!, 486));
        await tx.FinalResponse;
    }

    [Theory]
    [InlineData("redirect: diversion", "Diversion", "reason=unconditional")]
    [InlineData("redirect: history-info", "History-Info", "index=1.1")]
    public async Task A_transfer_leg_names_the_transferor_where_the_trunk_asks(string redirect, string header, string mark)
    {
        await using var transferor = SipTestPeer.Start();
        await using var target = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", transferor.Port, ""), ("target", target.Port, redirect)],
            extraRoutes: "  - name: transfer-target\n    match: { prefix: '+1999' }\n    trunk: target\n");
        var web = new FakeWebSession("w1", "alice");
        gw.Place(web, "c1", "+14155550100");
        await web.WaitForAsync("answer", "c1");
        await transferor.WaitForAsync(SipMethods.Ack);
        Assert.Null((await transferor.WaitForAsync(SipMethods.Invite)).GetHeader(header)); // not on the first call

        Assert.Equal(202, (await transferor.SendInDialogAsync(SipMethods.Refer, r => r.AddHeader("Refer-To", "<sip:+19995550100@127.0.0.1>"))).StatusCode);

        var invite = await target.WaitForAsync(SipMethods.Invite);
        var value = invite.GetHeader(header);
        Assert.NotNull(value);
        Assert.Contains(mark, value);
        Assert.Contains("sip:+14155550100@127.0.0.1", value); // the transferor: the party the call first reached
        var done = await transferor.WaitForAsync(SipMethods.Notify, 2);
        Assert.StartsWith("SIP/2.0 200", Encoding.ASCII.GetString(done.Body.Span));
        gw.Controller.OnMessage(web, new Hangup("c1"));
        await gw.WaitForNoCallsAsync();
    }
}
