using Gateway.Tests.Shared;
using Gateway.Server.Calls;
using Gateway.Server.Signaling;
using Gateway.Server.Tests.Signaling;
using Gateway.Sip.Messages;

namespace Gateway.Server.Tests.Calls;

/// <summary>
/// The call as an actor: events fed in chosen orders. The test holds the call's mailbox, lets the peer's response
/// reach the queue, posts the browser's message before or after it, then releases the queue; the call's timers run
/// on a manual clock. Whatever the order, the SIP side is always told (CANCEL, ACK then BYE, 491) and nothing is left.
/// </summary>
public sealed class CallEventOrderTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private sealed record Placed(SipTestPeer Peer, CallHarness Gateway, FakeWebSession Web, GatewayCall Call, ManualTimeProvider Time) : IAsyncDisposable
    {
        public CallMailbox Mailbox => Call.Mailbox;
        public void Hangup() => Gateway.Controller.OnMessage(Web, new Hangup("c1"));

        public async ValueTask DisposeAsync()
        {
            await Gateway.DisposeAsync();
            await Peer.DisposeAsync();
        }
    }

    /// <summary>A browser call whose INVITE reached a peer that answers only when told.</summary>
    private static async Task<Placed> PlaceAsync(PeerBehavior behavior = PeerBehavior.Manual)
    {
        var peer = SipTestPeer.Start();
        peer.Behavior = behavior;
        var time = new ManualTimeProvider();
        var gw = CallHarness.Start([("pstn", peer.Port, "")], noAnswer: TimeSpan.FromSeconds(30), callTime: time);
        var web = new FakeWebSession("w1", "alice");
        gw.Place(web, "c1", "+14155550100");
        await peer.WaitForAsync(SipMethods.Invite);
        return new Placed(peer, gw, web, gw.Registry.FindWeb("w1", "c1")!, time);
    }

    /// <summary>An answered call (the peer answers at once).</summary>
    private static async Task<Placed> AnsweredAsync()
    {
        var placed = await PlaceAsync(PeerBehavior.Answer);
        await placed.Web.WaitForAsync("answer", "c1");
        await placed.Peer.WaitForAsync(SipMethods.Ack);
        return placed;
    }

    /// <summary>Completes once an event matching <paramref name="match"/> is in the (held) queue.</summary>
    private static Task WhenQueuedAsync(CallMailbox mailbox, Func<CallEvent, bool> match)
    {
        var queued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        mailbox.Queued = e => { if (match(e)) queued.TrySetResult(); };
        if (mailbox.Pending.Any(match)) queued.TrySetResult();
        return queued.Task.WaitAsync(Wait);
    }

    private static bool IsProvisional(CallEvent e, int status) => e is TrunkProvisional p && p.Response.StatusCode == status;
    private static bool IsFinal(CallEvent e, int status) => e is TrunkFinal f && f.Final.StatusCode == status;

    private static int IndexOf(FakeWebSession web, string type) => web.Messages.ToList().FindIndex(m => (string?)m["type"] == type);

    [Theory]
    [InlineData(180, false, true)]
    [InlineData(180, false, false)]
    [InlineData(183, true, true)]
    [InlineData(183, true, false)]
    public async Task Browser_hangup_against_a_provisional_always_cancels_and_relays_the_provisional_only_before_it(int status, bool withSdp, bool hangupFirst)
    {
        await using var c = await PlaceAsync();
        c.Mailbox.Hold();
        if (hangupFirst) c.Hangup();
        c.Peer.Provisional(status, withSdp);
        await WhenQueuedAsync(c.Mailbox, e => IsProvisional(e, status));
        if (!hangupFirst) c.Hangup();
        c.Mailbox.Release();

        await c.Peer.WaitForAsync(SipMethods.Cancel); // §9.1: a provisional arrived, so the CANCEL goes at once
        await c.Gateway.WaitForNoCallsAsync();
        var relayed = status == 180 ? "ringing" : "progress";
        var hangup = await c.Web.WaitForAsync("hangup", "c1");
        Assert.Equal(200, (int)hangup["code"]!);
        Assert.Equal(1, c.Web.Count("hangup"));
        if (hangupFirst) Assert.Equal(0, c.Web.Count(relayed));
        else Assert.True(IndexOf(c.Web, relayed) < IndexOf(c.Web, "hangup"));
        Assert.Equal(0, c.Peer.Count(SipMethods.Ack) + c.Peer.Count(SipMethods.Bye));
        var cdr = Assert.Single(c.Gateway.Cdr.Records);
        Assert.Equal((487, (DateTimeOffset?)null), (cdr.Cause, cdr.Answer));
        Assert.Equal(1, c.Gateway.Metrics.CallsEnded("cancelled"));
    }

    [Fact]
    public async Task Browser_hangup_before_any_provisional_sends_the_CANCEL_only_once_one_arrives()
    {
        await using var c = await PlaceAsync();
        c.Hangup(); // handled now: Cancelling, but §9.1 forbids a CANCEL before a provisional response

        Assert.Equal(CallState.Cancelling, c.Call.State);
        Assert.Equal(0, c.Peer.Count(SipMethods.Cancel));
        Assert.Equal(200, (int)(await c.Web.WaitForAsync("hangup", "c1"))["code"]!);
        c.Peer.Provisional(180);

        await c.Peer.WaitForAsync(SipMethods.Cancel);
        await c.Gateway.WaitForNoCallsAsync();
        Assert.Equal(0, c.Web.Count("ringing"));
        Assert.Equal(1, c.Web.Count("hangup"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Browser_hangup_against_the_200_leaves_no_dialog_up_ACK_then_BYE(bool hangupFirst)
    {
        await using var c = await PlaceAsync();
        c.Peer.Provisional(180);
        await c.Web.WaitForAsync("ringing", "c1");
        c.Mailbox.Hold();
        if (hangupFirst) c.Hangup();
        c.Peer.AnswerPending();
        await WhenQueuedAsync(c.Mailbox, e => IsFinal(e, 200));
        if (!hangupFirst) c.Hangup();
        c.Mailbox.Release();

        var bye = await c.Peer.WaitForAsync(SipMethods.Bye);
        await c.Gateway.WaitForNoCallsAsync();
        var received = c.Peer.Received.ToList();
        Assert.True(received.FindIndex(r => r.Method == SipMethods.Ack) < received.IndexOf(bye), "RFC 3261 §15: the 2xx is ACKed before the BYE");
        Assert.Equal(1, c.Web.Count("hangup"));
        var cdr = Assert.Single(c.Gateway.Cdr.Records);
        if (hangupFirst)
        {
            // The hangup won: the browser never hears "answer", the call counts as cancelled, the BYE says why.
            Assert.Equal(0, c.Web.Count("answer"));
            Assert.Contains("cause=487", bye.GetHeader("Reason"));
            Assert.Equal(487, cdr.Cause);
            Assert.Equal(1, c.Gateway.Metrics.CallsEnded("cancelled"));
        }
        else
        {
            Assert.True(IndexOf(c.Web, "answer") < IndexOf(c.Web, "hangup"));
            Assert.Null(bye.GetHeader("Reason"));
            Assert.Equal(1, c.Gateway.Metrics.CallsEnded("answered"));
            Assert.NotNull(cdr.Answer);
        }
    }

    [Fact]
    public async Task CANCEL_crossing_the_200_is_followed_by_ACK_then_BYE()
    {
        await using var c = await PlaceAsync();
        c.Peer.Provisional(180);
        await c.Web.WaitForAsync("ringing", "c1");
        c.Mailbox.Hold();
        c.Time.Advance(TimeSpan.FromSeconds(30)); // the no-answer timer: queued first, so our CANCEL leaves before the 200 is seen
        c.Peer.AnswerPending();
        await WhenQueuedAsync(c.Mailbox, e => IsFinal(e, 200));
        c.Mailbox.Release();

        Assert.Equal(480, (int)(await c.Web.WaitForAsync("hangup", "c1"))["code"]!);
        var bye = await c.Peer.WaitForAsync(SipMethods.Bye);
        await c.Gateway.WaitForNoCallsAsync();
        var received = c.Peer.Received.ToList();
        Assert.True(received.FindIndex(r => r.Method == SipMethods.Ack) < received.IndexOf(bye));
        Assert.Equal(0, c.Web.Count("answer"));
        Assert.Equal((480, "No Answer"), (c.Gateway.Cdr.Records.Single().Cause, c.Gateway.Cdr.Records.Single().Reason));
        Assert.Equal(1, c.Gateway.Metrics.CallsEnded("no_answer"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BYE_crossing_our_re_INVITE_ends_the_call_once_and_the_late_2xx_is_still_ACKed(bool byeFirst)
    {
        await using var c = await AnsweredAsync();
        c.Mailbox.Hold();
        if (!byeFirst) c.Gateway.Controller.OnMessage(c.Web, new SetHold("c1", true));
        var bye = c.Peer.SendInDialogAsync(SipMethods.Bye);
        await WhenQueuedAsync(c.Mailbox, e => e is SipInDialogRequest { Incoming.Request.Method: SipMethods.Bye });
        if (byeFirst) c.Gateway.Controller.OnMessage(c.Web, new SetHold("c1", true));
        c.Mailbox.Release();

        Assert.Equal(200, (await bye.WaitAsync(Wait)).StatusCode);
        await c.Gateway.WaitForNoCallsAsync();
        Assert.Equal(200, (int)(await c.Web.WaitForAsync("hangup", "c1"))["code"]!);
        Assert.Equal(1, c.Web.Count("hangup"));
        Assert.Single(c.Gateway.Cdr.Records);
        if (byeFirst)
        {
            // The hold reached a call already over: no re-INVITE, the browser hears what the controller would say.
            Assert.Equal(1, c.Peer.Count(SipMethods.Invite));
            Assert.Equal("not_found", (string)(await c.Web.WaitForAsync("error", "c1"))["code"]!);
        }
        else
        {
            await c.Peer.WaitForAsync(SipMethods.Invite, 2); // our re-INVITE left before the BYE was handled
            await c.Peer.WaitForAsync(SipMethods.Ack, 2);    // §13.2.2.4: its 2xx is ACKed though the call is over
            Assert.Equal(0, c.Web.Count("error"));
        }
    }

    [Fact]
    public async Task Peer_re_INVITE_while_ours_is_pending_is_answered_491()
    {
        await using var c = await AnsweredAsync();
        c.Mailbox.Hold();
        c.Gateway.Controller.OnMessage(c.Web, new SetHold("c1", true));
        var theirs = c.Peer.ReInviteAsync("sendrecv");
        await WhenQueuedAsync(c.Mailbox, e => e is SipInDialogRequest { Incoming.Request.Method: SipMethods.Invite });
        c.Mailbox.Release();

        Assert.Equal(491, (await theirs.WaitAsync(Wait)).StatusCode); // RFC 3261 §14.2
        await c.Peer.WaitForAsync(SipMethods.Ack, 2); // ours went through
        c.Hangup();
        await c.Gateway.WaitForNoCallsAsync();
        Assert.Contains("forward False False", c.Gateway.Media.Last.Calls);
    }

    [Fact]
    public async Task Glare_from_both_sides_each_answers_491_and_ours_is_retried_after_the_random_wait()
    {
        await using var c = await AnsweredAsync();
        c.Peer.GlareOnce(); // the peer answers our re-INVITE 491 ...
        c.Mailbox.Hold();
        c.Gateway.Controller.OnMessage(c.Web, new SetHold("c1", true));
        var theirs = c.Peer.ReInviteAsync("sendrecv"); // ... while its own crosses ours
        await WhenQueuedAsync(c.Mailbox, e => e is SipInDialogRequest { Incoming.Request.Method: SipMethods.Invite });
        var ours491 = WhenQueuedAsync(c.Mailbox, e => e is ReInviteAnswered { Final.StatusCode: 491 });
        c.Mailbox.RunQueued(); // runs both here, in order, still held: ours sent, theirs 491

        Assert.Equal(491, (await theirs.WaitAsync(Wait)).StatusCode);
        await ours491;
        c.Mailbox.Release(); // the 491 to ours: the §14.1 timer starts (2.1-4 s: we own the Call-ID)
        Assert.Equal(2, c.Peer.Count(SipMethods.Invite));
        c.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(2, c.Peer.Count(SipMethods.Invite));
        c.Time.Advance(TimeSpan.FromSeconds(2));

        var retry = await c.Peer.WaitForAsync(SipMethods.Invite, 3);
        Assert.Contains("a=sendonly", System.Text.Encoding.ASCII.GetString(retry.Body.Span));
        await c.Peer.WaitForAsync(SipMethods.Ack, 2);
        c.Hangup();
        await c.Gateway.WaitForNoCallsAsync();
        Assert.Contains("forward False False", c.Gateway.Media.Last.Calls);
        Assert.Equal(0, c.Web.Count("error"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Inbound_CANCEL_against_the_browser_answer_either_487_or_200_never_both(bool cancelFirst)
    {
        await using var caller = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", caller.Port, "")], callTime: new ManualTimeProvider());
        var phone = new FakeWebSession("w1", "bob");
        gw.Users.Register("bob", phone);
        var (invite, tx, _) = caller.Call(gw.EndPoint, "bob");
        var id = (string)(await phone.WaitForAsync("incoming"))["id"]!;
        var call = gw.Registry.FindWeb("w1", id)!;
        var answer = new AnswerIncoming(id, MidCallTests.InboundAnswer);

        call.Mailbox.Hold();
        if (!cancelFirst) gw.Controller.OnMessage(phone, answer);
        Assert.Equal(200, (await caller.CancelAsync(invite).WaitAsync(Wait)).StatusCode); // §9.2: the stack answers the CANCEL itself
        await WhenQueuedAsync(call.Mailbox, e => e is SipCancelReceived);
        if (cancelFirst) gw.Controller.OnMessage(phone, answer);
        call.Mailbox.Release();

        var final = await tx.FinalResponse.WaitAsync(Wait);
        if (cancelFirst)
        {
            Assert.Equal(487, final.StatusCode);
            Assert.Equal(487, (int)(await phone.WaitForAsync("hangup", id))["code"]!);
            Assert.Equal("not_found", (string)(await phone.WaitForAsync("error", id))["code"]!); // the answer came too late
            await gw.WaitForNoCallsAsync();
            Assert.Equal(1, gw.Metrics.CallsEnded("cancelled"));
        }
        else
        {
            // The answer won: the CANCEL changes nothing (§9.2, the INVITE has its final response); the call goes on.
            Assert.Equal(200, final.StatusCode);
            await caller.AckAsync(invite, final);
            Assert.Equal(0, phone.Count("hangup"));
            Assert.Equal(200, (await caller.SendInDialogAsync(SipMethods.Bye)).StatusCode);
            await gw.WaitForNoCallsAsync();
            Assert.Equal(1, gw.Metrics.CallsEnded("answered"));
        }
    }
}
