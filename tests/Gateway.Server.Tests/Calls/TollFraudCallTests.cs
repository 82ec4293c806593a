using System.Text;
using Gateway.Server.Calls;
using Gateway.Server.Signaling;
using Gateway.Sip.Messages;

namespace Gateway.Server.Tests.Calls;

/// <summary>
/// Issue #12 item 1 through the call layer on real SIP: every path a web user or a SIP party could take to the PSTN
/// without the dialplan's grant ends with 0 INVITEs at the trunk.
/// </summary>
public sealed class TollFraudCallTests
{
    private const string Premium = "  deny:\n    premium: ['^\\+449', '^\\+1900']\n";

    private const string ChromeAnswer =
        "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0 101\r\nc=IN IP4 0.0.0.0\r\n" +
        "a=mid:0\r\na=ice-ufrag:brws\r\na=ice-pwd:browserbrowserbrowser12\r\n" +
        "a=fingerprint:sha-256 6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CC:87:32:BE:DD:8C:66:A5:8E:50:55:EA:8C:D3:B6:5C:09:5E:D6:BC\r\n" +
        "a=setup:active\r\na=rtcp-mux\r\na=sendrecv\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n";

    [Fact]
    public void AllowUnknownSources_DefaultsToFalse() => Assert.False(new GatewaySipOptions().AllowUnknownSources);

    [Theory]
    [InlineData("sip:+449098790000@127.0.0.1")]
    [InlineData("sip:+449098790000@203.0.113.9:5060;user=phone")]
    [InlineData("sips:%2B449098790000@anyhost.example.com")]
    [InlineData("sip:+44-909-879-0000@anyhost")]
    [InlineData("tel:+1-900-555-0100")]
    [InlineData("+449098790000")]
    public async Task Browser_dialing_a_premium_number_in_any_form_gets_403_and_no_INVITE(string to)
    {
        await using var trunk = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", trunk.Port, "")], guards: Premium);
        var web = new FakeWebSession("w1", "alice");

        gw.Place(web, "c1", to);

        var hangup = await web.WaitForAsync("hangup", "c1");
        Assert.Equal(403, (int)hangup["code"]!);
        Assert.Contains("premium", (string)hangup["reason"]!);
        Assert.Empty(gw.Media.Created);
        await gw.WaitForNoCallsAsync();
        Assert.Equal(0, trunk.Count(SipMethods.Invite));
    }

    [Fact]
    public async Task Browser_dialing_a_sip_URI_reaches_only_the_trunk_with_the_user_part_never_the_named_host()
    {
        await using var trunk = SipTestPeer.Start();
        await using var elsewhere = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", trunk.Port, "")], guards: Premium);
        var web = new FakeWebSession("w1", "alice");

        gw.Place(web, "c1", $"sip:+14155550100@127.0.0.1:{elsewhere.Port}");

        await web.WaitForAsync("answer", "c1");
        Assert.Equal("+14155550100", (await trunk.WaitForAsync(SipMethods.Invite)).RequestUri.User);
        Assert.Equal(0, elsewhere.Count(SipMethods.Invite));
        gw.Controller.OnMessage(web, new Hangup("c1"));
        await gw.WaitForNoCallsAsync();
    }

    /// <summary>The path (b): an unlisted SIP party rings a web user, the user answers, the party REFERs to a number.</summary>
    [Theory]
    [InlineData("<sip:+449098790000@127.0.0.1>")]
    [InlineData("<sip:+14155550100@127.0.0.1>")]
    [InlineData("<tel:+14155550100>")]
    public async Task REFER_from_an_unlisted_source_is_refused_403_and_dials_nothing(string referTo)
    {
        await using var trunk = SipTestPeer.Start();
        await using var caller = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", trunk.Port, "")], guards: Premium, allowUnknownSources: true);
        var web = new FakeWebSession("w1", "bob");
        gw.Users.Register("bob", web);
        var (invite, tx, _) = caller.Call(gw.EndPoint, "bob");
        var id = (string)(await web.WaitForAsync("incoming"))["id"]!;
        gw.Controller.OnMessage(web, new AnswerIncoming(id, ChromeAnswer));
        var ok = await tx.FinalResponse;
        await caller.AckAsync(invite, ok);

        var refused = await caller.SendInDialogAsync(SipMethods.Refer, r => r.AddHeader("Refer-To", referTo));

        Assert.Equal(403, refused.StatusCode);
        Assert.Equal(0, trunk.Count(SipMethods.Invite));
        Assert.Equal(1, gw.Registry.Count); // the call goes on
        Assert.Equal(0, web.Count("transferred"));
        Assert.Equal(200, (await caller.SendInDialogAsync(SipMethods.Bye)).StatusCode);
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task REFER_from_a_listed_trunk_is_routed_with_that_trunks_guards_and_the_browser_is_told()
    {
        await using var trunk = SipTestPeer.Start();
        await using var caller = SipTestPeer.Start();
        // The web user may dial premium numbers; the trunk party may not: the REFER is the trunk's call.
        await using var gw = CallHarness.Start([("pstn", trunk.Port, "")], guards: Premium, inboundSources: "'127.0.0.1/32'",
            extraRoutes: "  - name: web-premium\n    from: web\n    match: { prefix: '+449' }\n    allow: [premium]\n    trunk: [pstn]\n", allowUnknownSources: false);
        var web = new FakeWebSession("w1", "bob");
        gw.Users.Register("bob", web);
        var (invite, tx, _) = caller.Call(gw.EndPoint, "bob");
        var id = (string)(await web.WaitForAsync("incoming"))["id"]!;
        gw.Controller.OnMessage(web, new AnswerIncoming(id, ChromeAnswer));
        var ok = await tx.FinalResponse;
        await caller.AckAsync(invite, ok);

        var accepted = await caller.SendInDialogAsync(SipMethods.Refer, r => r.AddHeader("Refer-To", "<sip:+449098790000@127.0.0.1>"));

        Assert.Equal(202, accepted.StatusCode);
        var failed = await caller.WaitForAsync(SipMethods.Notify, 2);
        Assert.StartsWith("SIP/2.0 403", Encoding.ASCII.GetString(failed.Body.Span));
        var told = await web.WaitForAsync("transferred", id);
        Assert.Equal((403, "remote", "+449098790000"), ((int)told["code"]!, (string)told["by"]!, (string)told["to"]!));
        Assert.Equal(0, trunk.Count(SipMethods.Invite));
        Assert.Equal(200, (await caller.SendInDialogAsync(SipMethods.Bye)).StatusCode);
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task INVITE_from_an_unlisted_source_is_403_by_default()
    {
        await using var caller = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", caller.Port, "")], allowUnknownSources: new GatewaySipOptions().AllowUnknownSources);
        gw.Users.Register("bob", new FakeWebSession("w1", "bob"));

        var (_, tx, _) = caller.Call(gw.EndPoint, "bob");

        Assert.Equal(403, (await tx.FinalResponse).StatusCode);
    }

    [Fact]
    public async Task Browser_transfer_to_a_denied_number_sends_no_REFER()
    {
        await using var trunk = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", trunk.Port, "")], guards: Premium);
        var web = new FakeWebSession("w1", "alice");
        gw.Place(web, "c1", "+14155550100");
        await web.WaitForAsync("answer", "c1");
        await trunk.WaitForAsync(SipMethods.Ack);

        gw.Controller.OnMessage(web, new BlindTransfer("c1", "sip:+449098790000@evil.example.com"));

        var error = await web.WaitForAsync("error", "c1");
        Assert.Equal("forbidden", (string)error["code"]!);
        Assert.Equal(0, trunk.Count(SipMethods.Refer));
        gw.Controller.OnMessage(web, new Hangup("c1"));
        await gw.WaitForNoCallsAsync();
    }
}
