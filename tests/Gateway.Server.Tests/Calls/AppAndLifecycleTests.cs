using Gateway.Server.Signaling;
using Gateway.Sip.Messages;

namespace Gateway.Server.Tests.Calls;

public sealed class AppAndLifecycleTests
{
    [Fact]
    public async Task Echo_app_answers_in_Opus_when_the_browser_offers_it_and_starts_echo()
    {
        await using var peer = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", peer.Port, "")]);
        var web = new FakeWebSession("w1", "alice");

        gw.Place(web, "c1", "600");

        var answer = (string)(await web.WaitForAsync("answer", "c1"))["sdp"]!;
        Assert.Contains("a=rtpmap:111 opus/48000/2", answer);
        Assert.DoesNotContain("PCMU", answer);
        Assert.Contains("a=setup:passive", answer);
        Assert.Contains("echo 111 48000", gw.Media.Last.Calls);
        gw.Controller.OnMessage(web, new Hangup("c1"));
        Assert.Equal(200, (int)(await web.WaitForAsync("hangup", "c1"))["code"]!);
        await gw.WaitForNoCallsAsync();
        Assert.Equal("app", gw.Cdr.Records.Single().Direction);
    }

    [Fact]
    public async Task Playback_app_reads_the_prompt_relative_to_the_dialplan()
    {
        await using var peer = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", peer.Port, "")]);
        var web = new FakeWebSession("w1", "alice");

        gw.Place(web, "c1", "601");

        await web.WaitForAsync("answer", "c1");
        Assert.Contains(gw.Media.Last.Calls, c => c.StartsWith("playback ") && c.EndsWith(" 111") && c != "playback 0 111"); // the prompt in Opus
        gw.Controller.OnSessionEnded(web);
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task Session_end_hangs_up_its_calls_BYE_after_answer_CANCEL_before()
    {
        await using var answering = SipTestPeer.Start();
        await using var ringing = SipTestPeer.Start();
        ringing.Behavior = PeerBehavior.Ring;
        await using var gw1 = CallHarness.Start([("a", answering.Port, "")]);
        await using var gw2 = CallHarness.Start([("b", ringing.Port, "")]);
        var web = new FakeWebSession("w1", "alice");
        gw1.Place(web, "c1", "+14155550100");
        gw2.Place(web, "c2", "+14155550101");
        await web.WaitForAsync("answer", "c1");
        await web.WaitForAsync("ringing", "c2");

        gw1.Controller.OnSessionEnded(web);
        gw2.Controller.OnSessionEnded(web);

        await answering.WaitForAsync(SipMethods.Bye);
        await ringing.WaitForAsync(SipMethods.Cancel);
        await gw1.WaitForNoCallsAsync();
        await gw2.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task Session_end_of_one_forked_session_keeps_offering_the_other()
    {
        await using var caller = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", caller.Port, "")]);
        var (phone, laptop) = gw.RegisterTwoSessions("bob");
        var (invite, tx, _) = caller.Call(gw.EndPoint, "bob");
        var id = (string)(await phone.WaitForAsync("incoming"))["id"]!;
        await laptop.WaitForAsync("incoming");

        gw.Controller.OnSessionEnded(phone);
        gw.Controller.OnMessage(laptop, new AnswerIncoming(id, MidCallTests.InboundAnswer));

        var ok = await tx.FinalResponse;
        Assert.Equal(200, ok.StatusCode);
        await caller.AckAsync(invite, ok);
        gw.Controller.OnSessionEnded(laptop);
        await caller.WaitForAsync(SipMethods.Bye);
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task Media_failure_before_the_answer_cancels_the_INVITE()
    {
        await using var peer = SipTestPeer.Start();
        peer.Behavior = PeerBehavior.Ring;
        await using var gw = CallHarness.Start([("pstn", peer.Port, "")]);
        var web = new FakeWebSession("w1", "alice");
        gw.Place(web, "c1", "+14155550100");
        await web.WaitForAsync("ringing", "c1");

        gw.Media.Last.End(Gateway.Media.Bridge.MediaEndReason.ConnectTimeout);

        Assert.Equal(408, (int)(await web.WaitForAsync("hangup", "c1"))["code"]!);
        await peer.WaitForAsync(SipMethods.Cancel);
        await gw.WaitForNoCallsAsync();
        Assert.Equal(1, web.Count("hangup"));
    }

    [Fact]
    public async Task Every_offered_session_ending_answers_the_caller_480()
    {
        await using var caller = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", caller.Port, "")]);
        var (phone, laptop) = gw.RegisterTwoSessions("bob");
        var (_, tx, _) = caller.Call(gw.EndPoint, "bob");
        await phone.WaitForAsync("incoming");
        await laptop.WaitForAsync("incoming");

        gw.Controller.OnSessionEnded(phone);
        gw.Controller.OnSessionEnded(laptop);

        Assert.Equal(480, (await tx.FinalResponse).StatusCode);
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task No_media_port_is_503_and_unknown_call_ids_get_not_found()
    {
        await using var peer = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", peer.Port, "")]);
        var web = new FakeWebSession("w1", "alice");
        gw.Media.Exhausted = true;

        gw.Place(web, "c1", "+14155550100");
        Assert.Equal(503, (int)(await web.WaitForAsync("hangup", "c1"))["code"]!);
        gw.Controller.OnMessage(web, new SetHold("zz", true));
        Assert.Equal("not_found", (string)(await web.WaitForAsync("error", "zz"))["code"]!);
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task A_thousand_calls_leave_no_state_behind()
    {
        await using var peer = SipTestPeer.Start(CallHarness.ShortTimers);
        await using var caller = SipTestPeer.Start(CallHarness.ShortTimers);
        await using var gw = CallHarness.Start([("pstn", peer.Port, "")]);
        var bob = new FakeWebSession("bob-session", "bob");
        gw.Users.Register("bob", bob);
        var sessions = Enumerable.Range(0, 20).Select(i => new FakeWebSession("w" + i, "u" + i)).ToArray();

        for (var round = 0; round < 50; round++)
        {
            // Per round, in parallel: 18 outbound calls and one echo call from the browser, one SIP call to bob; each hung up.
            var tasks = sessions.Skip(1).Select(async (web, i) =>
            {
                var id = "r" + round;
                gw.Place(web, id, i == 0 ? "600" : "+1415555" + i.ToString("D4"));
                await web.WaitForAsync("answer", id, 10000);
                gw.Controller.OnMessage(web, new Hangup(id));
                await web.WaitForAsync("hangup", id, 10000);
            }).Append(InboundAsync(round));
            await Task.WhenAll(tasks);
        }

        async Task InboundAsync(int round)
        {
            var (invite, tx, _) = caller.Call(gw.EndPoint, "bob");
            var incoming = await bob.WaitForAsync("incoming", null, 10000, skip: round);
            gw.Controller.OnMessage(bob, new AnswerIncoming((string)incoming["id"]!, MidCallTests.InboundAnswer));
            var ok = await tx.FinalResponse;
            Assert.Equal(200, ok.StatusCode);
            await caller.AckAsync(invite, ok);
            var bye = await caller.SendInDialogAsync(SipMethods.Bye);
            Assert.Equal(200, bye.StatusCode);
        }
        await gw.WaitForNoCallsAsync(10000);
        Assert.Equal(1000, gw.Cdr.Records.Count);
        Assert.Equal(0, gw.Metrics.ActiveCalls);
        Assert.All(gw.Media.Created, m => Assert.True(m.Disposed));
    }
}
