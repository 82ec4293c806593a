using Gateway.Server.Signaling;
using Gateway.Sip.Messages;
using Gateway.Sip.Reliability;
using Gateway.Sip.Stack;

namespace Gateway.Server.Tests.Calls;

/// <summary>RFC 3262 through the call layer: the gateway PRACKs a trunk's reliable 18x, and sends its own 18x reliably.</summary>
public sealed class PrackCallTests
{
    [Fact]
    public async Task A_reliable_183_with_SDP_is_PRACKed_once_and_gives_early_media()
    {
        await using var peer = SipTestPeer.Start();
        peer.Behavior = PeerBehavior.Manual;
        await using var gw = CallHarness.Start([("pstn", peer.Port, "")]);
        var web = new FakeWebSession("w1", "alice");

        gw.Place(web, "c1", "+14155550100");
        var invite = await peer.WaitForAsync(SipMethods.Invite);
        Assert.True(SessionExpiresValue.ListsOption(invite, "Supported", "100rel"));
        Assert.Null(invite.GetHeader("Require"));
        peer.Provisional(183, withSdp: true, rseq: 42);
        peer.Provisional(183, withSdp: true, rseq: 42); // a retransmission: no second PRACK, no second progress
        var prack = await peer.WaitForAsync(SipMethods.Prack);
        await web.WaitForAsync("progress", "c1");

        Assert.Equal("42 1 INVITE", prack.GetHeader("RAck"));
        Assert.Equal("2 PRACK", prack.GetHeader("CSeq"));
        Assert.Equal(invite.CallId, prack.CallId);
        Assert.NotNull(prack.To?.Tag);
        peer.Provisional(183, withSdp: true, rseq: 44); // a gap: not PRACKed
        peer.Provisional(180, rseq: 43);
        var second = await peer.WaitForAsync(SipMethods.Prack, 2);
        Assert.Equal("43 1 INVITE", second.GetHeader("RAck"));
        peer.AnswerPending();
        await web.WaitForAsync("answer", "c1");
        Assert.Equal(1, web.Count("progress"));
        gw.Controller.OnMessage(web, new Hangup("c1"));
        var bye = await peer.WaitForAsync(SipMethods.Bye);
        Assert.Equal(4u, bye.CSeq!.Value.Number); // above the PRACKs' 2 and 3 (RFC 3261 §12.2.1.1)
        Assert.Equal(2, peer.Count(SipMethods.Prack));
        await gw.WaitForNoCallsAsync();
    }

    [Theory]
    [InlineData("prack: required", "100rel", false)]
    [InlineData("prack: off", null, true)]
    public async Task The_trunk_setting_decides_Require_and_Supported(string setting, string? require, bool plain)
    {
        await using var peer = SipTestPeer.Start();
        peer.Behavior = PeerBehavior.Manual;
        await using var gw = CallHarness.Start([("pstn", peer.Port, setting)]);
        var web = new FakeWebSession("w1", "alice");

        gw.Place(web, "c1", "+14155550100");
        var invite = await peer.WaitForAsync(SipMethods.Invite);
        Assert.Equal(require, invite.GetHeader("Require"));
        Assert.Equal(!plain, SessionExpiresValue.ListsOption(invite, "Supported", "100rel") || SessionExpiresValue.ListsOption(invite, "Require", "100rel"));
        peer.Provisional(183, withSdp: true, rseq: 1);
        await web.WaitForAsync("progress", "c1");
        peer.AnswerPending();
        await web.WaitForAsync("answer", "c1");
        Assert.Equal(plain ? 0 : 1, peer.Count(SipMethods.Prack)); // prack: off treats the 183 as unreliable
        gw.Controller.OnMessage(web, new Hangup("c1"));
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task An_INVITE_requiring_100rel_gets_a_reliable_180_and_its_PRACK_200()
    {
        await using var caller = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", caller.Port, "")]);
        var web = new FakeWebSession("w1", "bob");
        gw.Users.Register("bob", web);

        var (invite, tx, _) = caller.Call(gw.EndPoint, "bob", extraHeader: "Require: 100rel");
        var id = (string)(await web.WaitForAsync("incoming"))["id"]!;
        gw.Controller.OnMessage(web, new RingingIncoming(id));
        var ringing = await WaitForProvisionalAsync(caller, 180);
        Assert.Equal("100rel", ringing.GetHeader("Require"));
        Assert.True(RSeqValue.TryParse(ringing.GetHeader("RSeq"), out _));

        var stray = new ReliableProvisionalReceiver(invite);
        var wrong = SipResponse.CreateFor(invite, 180, toTag: ringing.To!.Tag);
        wrong.AddHeader("Require", "100rel");
        wrong.AddHeader("RSeq", "1");
        stray.Receive(wrong, out var bogus);
        Assert.Equal(481, (await SendAsync(caller, gw, bogus!)).StatusCode);
        new ReliableProvisionalReceiver(invite).Receive(ringing, out var prack);
        prack!.SetHeader("CSeq", "3 PRACK");
        Assert.Equal(200, (await SendAsync(caller, gw, prack)).StatusCode);

        gw.Controller.OnMessage(web, new AnswerIncoming(id, MidCallTests.InboundAnswer));
        var ok = await tx.FinalResponse;
        Assert.Equal(200, ok.StatusCode);
        await caller.AckAsync(invite, ok);
        gw.Controller.OnMessage(web, new Hangup(id));
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task A_reliable_180_never_PRACKed_ends_the_INVITE_500_after_64_T1()
    {
        await using var caller = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", caller.Port, "")]);
        var web = new FakeWebSession("w1", "bob");
        gw.Users.Register("bob", web);

        var (_, tx, provisionals) = caller.Call(gw.EndPoint, "bob", extraHeader: "Require: 100rel");
        var id = (string)(await web.WaitForAsync("incoming"))["id"]!;
        gw.Controller.OnMessage(web, new RingingIncoming(id));

        var final = await tx.FinalResponse.WaitAsync(TimeSpan.FromSeconds(10)); // 64 * T1 (40 ms) = 2.56 s
        Assert.Equal(500, final.StatusCode);
        Assert.True(provisionals.Count(c => c == 180) >= 3, "the 180 is retransmitted until PRACK");
        await web.WaitForAsync("hangup", id);
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task With_prack_required_an_INVITE_without_100rel_is_421()
    {
        await using var caller = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", caller.Port, "prack: required")], inboundSources: "'127.0.0.0/8'");
        gw.Users.Register("bob", new FakeWebSession("w1", "bob"));

        var (_, tx, _) = caller.Call(gw.EndPoint, "bob");

        var final = await tx.FinalResponse;
        Assert.Equal(421, final.StatusCode);
        Assert.Equal("100rel", final.GetHeader("Require"));
    }

    private static async Task<SipResponse> WaitForProvisionalAsync(SipTestPeer caller, int status)
    {
        for (var i = 0; i < 500; i++)
        {
            if (caller.ProvisionalResponses.FirstOrDefault(r => r.StatusCode == status) is { } found) return found;
            await Task.Delay(10);
        }
        throw new TimeoutException($"no {status}");
    }

    private static Task<SipResponse> SendAsync(SipTestPeer caller, CallHarness gw, SipRequest request)
    {
        request.PrependHeader("Via", SipStack.CreateVia(caller.Transport, out _));
        return caller.Stack.SendRequestAsync(request, gw.EndPoint);
    }
}
