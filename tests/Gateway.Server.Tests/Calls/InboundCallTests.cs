using Gateway.Server.Signaling;
using Gateway.Sip.Messages;

namespace Gateway.Server.Tests.Calls;

public sealed class InboundCallTests
{
    private const string ChromeAnswer =
        "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0 101\r\nc=IN IP4 0.0.0.0\r\n" +
        "a=mid:0\r\na=ice-ufrag:brws\r\na=ice-pwd:browserbrowserbrowser12\r\n" +
        "a=fingerprint:sha-256 6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CC:87:32:BE:DD:8C:66:A5:8E:50:55:EA:8C:D3:B6:5C:09:5E:D6:BC\r\n" +
        "a=setup:active\r\na=rtcp-mux\r\na=sendrecv\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n";

    [Fact]
    public async Task Forked_to_two_sessions_first_answer_wins_the_other_hears_487()
    {
        await using var caller = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", caller.Port, "")]);
        var (phone, laptop) = gw.RegisterTwoSessions("bob");

        var (invite, tx, provisionals) = caller.Call(gw.EndPoint, "bob");

        var incoming1 = await phone.WaitForAsync("incoming");
        var incoming2 = await laptop.WaitForAsync("incoming");
        var id = (string)incoming1["id"]!;
        Assert.Equal(id, (string)incoming2["id"]!);
        Assert.Equal("+441632960000", (string)incoming1["from"]!);
        Assert.Equal("Front desk", (string)incoming1["display"]!);
        Assert.Contains("a=ice-lite", (string)incoming1["sdp"]!);

        gw.Controller.OnMessage(laptop, new RingingIncoming(id));
        gw.Controller.OnMessage(phone, new RingingIncoming(id));
        gw.Controller.OnMessage(phone, new AnswerIncoming(id, ChromeAnswer));

        var ok = await tx.FinalResponse;
        Assert.Equal(200, ok.StatusCode);
        Assert.Single(provisionals, 180);
        Assert.Contains("m=audio 5", System.Text.Encoding.ASCII.GetString(ok.Body.Span));
        await caller.AckAsync(invite, ok);
        var elsewhere = await laptop.WaitForAsync("hangup", id);
        Assert.Equal(487, (int)elsewhere["code"]!);
        Assert.Equal("answered elsewhere", (string)elsewhere["reason"]!);
        var media = gw.Media.Last;
        Assert.Contains(media.Calls, c => c == "web brws True");
        Assert.Equal(6000, media.SipRemote!.Port);

        Assert.Equal(200, (await caller.SendInDialogAsync(SipMethods.Bye)).StatusCode);
        var hangup = await phone.WaitForAsync("hangup", id);
        Assert.Equal(200, (int)hangup["code"]!);
        await gw.WaitForNoCallsAsync();
        var cdr = gw.Cdr.Records.Single();
        Assert.Equal("inbound", cdr.Direction);
        Assert.Equal("bob", cdr.To);
    }

    [Fact]
    public async Task Unregistered_user_gets_480()
    {
        await using var caller = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", caller.Port, "")]);

        var (_, tx, _) = caller.Call(gw.EndPoint, "nobody");

        Assert.Equal(480, (await tx.FinalResponse).StatusCode);
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task Every_session_busy_gets_486()
    {
        await using var trunk = SipTestPeer.Start();
        await using var caller = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", trunk.Port, "")]);
        var web = new FakeWebSession("w1", "bob");
        gw.Users.Register("bob", web);
        gw.Place(web, "c1", "+14155550100");
        await web.WaitForAsync("answer", "c1");

        var (_, tx, _) = caller.Call(gw.EndPoint, "bob");

        Assert.Equal(486, (await tx.FinalResponse).StatusCode);
        gw.Controller.OnMessage(web, new Hangup("c1"));
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task CANCEL_answers_487_and_hangs_up_every_session()
    {
        await using var caller = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", caller.Port, "")]);
        var (phone, laptop) = gw.RegisterTwoSessions("bob");
        var (invite, tx, provisionals) = caller.Call(gw.EndPoint, "bob");
        var id = (string)(await phone.WaitForAsync("incoming"))["id"]!;
        gw.Controller.OnMessage(phone, new RingingIncoming(id));
        while (provisionals.IsEmpty) await Task.Delay(5);

        Assert.Equal(200, (await caller.CancelAsync(invite)).StatusCode);

        Assert.Equal(487, (await tx.FinalResponse).StatusCode);
        Assert.Equal(487, (int)(await phone.WaitForAsync("hangup", id))["code"]!);
        Assert.Equal(487, (int)(await laptop.WaitForAsync("hangup", id))["code"]!);
        await gw.WaitForNoCallsAsync();
        Assert.Equal(1, gw.Metrics.CallsEnded("cancelled"));
    }

    [Fact]
    public async Task All_sessions_reject_the_caller_hears_the_first_code()
    {
        await using var caller = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", caller.Port, "")]);
        var (phone, laptop) = gw.RegisterTwoSessions("bob");
        var (_, tx, _) = caller.Call(gw.EndPoint, "bob");
        var id = (string)(await phone.WaitForAsync("incoming"))["id"]!;
        await laptop.WaitForAsync("incoming");

        gw.Controller.OnMessage(phone, new RejectIncoming(id, 603));
        gw.Controller.OnMessage(laptop, new RejectIncoming(id, 486));

        Assert.Equal(603, (await tx.FinalResponse).StatusCode);
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task Late_offer_takes_the_answer_from_the_ACK()
    {
        await using var caller = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", caller.Port, "")]);
        var web = new FakeWebSession("w1", "bob");
        gw.Users.Register("bob", web);
        var (invite, tx, _) = caller.Call(gw.EndPoint, "bob", sdp: null);
        var id = (string)(await web.WaitForAsync("incoming"))["id"]!;

        gw.Controller.OnMessage(web, new AnswerIncoming(id, ChromeAnswer));
        var ok = await tx.FinalResponse;
        Assert.Equal(200, ok.StatusCode);
        Assert.Null(gw.Media.Last.SipRemote);
        await caller.AckAsync(invite, ok, SipTestPeer.PcmuSdp);

        for (var i = 0; i < 200 && gw.Media.Last.SipRemote is null; i++) await Task.Delay(5);
        Assert.Equal(6000, gw.Media.Last.SipRemote!.Port);
        gw.Controller.OnMessage(web, new Hangup("s1"));
        gw.Controller.OnMessage(web, new Hangup(id));
        await caller.WaitForAsync(SipMethods.Bye);
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task OPTIONS_is_answered_and_requests_for_unknown_dialogs_get_481()
    {
        await using var peer = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", peer.Port, "")]);
        var options = SipRequest.Create(SipMethods.Options, SipUri.Parse($"sip:{gw.EndPoint.Address}"));
        options.AddHeader("Via", Gateway.Sip.Stack.SipStack.CreateVia(peer.Transport, out _));
        options.AddHeader("Max-Forwards", "70");
        options.AddHeader("From", "<sip:peer@127.0.0.1>;tag=1");
        options.AddHeader("To", $"<sip:{gw.EndPoint.Address}>");
        options.AddHeader("Call-ID", "opt1");
        options.AddHeader("CSeq", "1 OPTIONS");
        var ok = await peer.Stack.SendRequestAsync(options, gw.EndPoint);
        Assert.Equal(200, ok.StatusCode);
        Assert.Contains("INVITE", ok.GetHeader("Allow"));

        var bye = SipRequest.Create(SipMethods.Bye, SipUri.Parse($"sip:x@{gw.EndPoint.Address}"));
        bye.AddHeader("Via", Gateway.Sip.Stack.SipStack.CreateVia(peer.Transport, out _));
        bye.AddHeader("Max-Forwards", "70");
        bye.AddHeader("From", "<sip:peer@127.0.0.1>;tag=1");
        bye.AddHeader("To", "<sip:x@127.0.0.1>;tag=2");
        bye.AddHeader("Call-ID", "nope");
        bye.AddHeader("CSeq", "2 BYE");
        Assert.Equal(481, (await peer.Stack.SendRequestAsync(bye, gw.EndPoint)).StatusCode);
    }
}
