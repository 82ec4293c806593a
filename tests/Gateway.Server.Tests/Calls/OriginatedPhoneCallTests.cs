using System.Collections.Concurrent;
using Gateway.Server.Calls;
using Gateway.Sip.Messages;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Server.Tests.Calls;

/// <summary>POST /api/v1/calls with <c>phone</c>: the number first, then every registered phone of the user, media relayed.</summary>
public sealed class OriginatedPhoneCallTests
{
    private const string SipDeviceReason = "SIP ;cause=200 ;text=\"Call completed elsewhere\"";

    private sealed class Steps : ICallProgressSink
    {
        public ConcurrentQueue<CallProgress> All { get; } = new();
        public void Report(CallProgress progress) => All.Enqueue(progress);

        public async Task<CallProgress> WaitForAsync(OriginateProgress step)
        {
            var deadline = Environment.TickCount64 + 5000;
            while (true)
            {
                if (All.FirstOrDefault(p => p.Event == step) is { } found) return found;
                if (Environment.TickCount64 > deadline) throw new TimeoutException($"no {step}; got {string.Join(", ", All.Select(p => p.Event))}");
                await Task.Delay(10);
            }
        }
    }

    private static (CallOriginator Originator, CallDirectory Directory) Originator(CallHarness gw)
    {
        var directory = new CallDirectory(gw.Registry);
        return (new CallOriginator(gw.Services, directory, NullLogger<CallOriginator>.Instance), directory);
    }

    [Fact]
    public async Task Both_phones_ring_the_first_answer_wins_the_other_is_cancelled_then_the_operator_hangs_up_both_legs()
    {
        await using var trunk = SipTestPeer.Start();
        await using var desk = SipTestPeer.Start();
        await using var ringing = SipTestPeer.Start();
        ringing.Behavior = PeerBehavior.Ring;
        var devices = new FakeRegisteredDevices();
        devices.Bind("bob", ringing);
        devices.Bind("bob", desk);
        await using var gw = CallHarness.Start([("pstn", trunk.Port, "codecs: [PCMA, PCMU]")], devices: devices);
        var (originator, directory) = Originator(gw);
        var steps = new Steps();

        var result = originator.Originate(new OriginateRequest("+441632960000", null, null, "bob"), "test", _ => steps);
        Assert.True(result.IsStarted, result.Detail);

        var numberInvite = await trunk.WaitForAsync(SipMethods.Invite);
        var media = gw.Media.Last;
        Assert.Contains($"m=audio {media.SipEndpoint.Port} RTP/AVP 8 0 101", System.Text.Encoding.ASCII.GetString(numberInvite.Body.Span));
        // The number answered PCMU (SipTestPeer): each phone is offered that one codec, with its payload type, on the phone leg.
        var deskInvite = await desk.WaitForAsync(SipMethods.Invite);
        var offer = System.Text.Encoding.ASCII.GetString(deskInvite.Body.Span);
        Assert.Contains($"m=audio {media.PhoneEndpoint.Port} RTP/AVP 0 101", offer);
        Assert.DoesNotContain("PCMA", offer);
        Assert.Contains("+441632960000", deskInvite.GetHeader("From"));
        await ringing.WaitForAsync(SipMethods.Invite);

        await steps.WaitForAsync(OriginateProgress.Bridged);
        Assert.Contains("phone 127.0.0.1:6000", media.Calls);
        Assert.Equal(6000, media.SipRemote!.Port); // leg A: the number's answer
        var cancel = await ringing.WaitForAsync(SipMethods.Cancel);
        Assert.Equal(SipDeviceReason, cancel.GetHeader("Reason"));
        var call = directory.Find(result.Id!)!;
        Assert.Equal((CallDirection.Originated, CallPhase.Active, "PCMU/8000", "pstn", "bob"), (call.Direction, call.State, call.Codec, call.Trunk, call.To));

        Assert.True(directory.HangUp(result.Id!, "token sha256:0badf00d from 127.0.0.1"));
        var bye = await trunk.WaitForAsync(SipMethods.Bye);
        Assert.Equal("SIP ;cause=200 ;text=\"Terminated by operator\"", bye.GetHeader("Reason"));
        await desk.WaitForAsync(SipMethods.Bye);
        var ended = await steps.WaitForAsync(OriginateProgress.Ended);
        Assert.Equal((200, "answered"), (ended.Code, ended.Outcome));
        await gw.WaitForNoCallsAsync();
        Assert.True(media.Disposed);
        var cdr = Assert.Single(gw.Cdr.Records);
        Assert.Equal(("originated", "+441632960000", "bob", "token sha256:0badf00d from 127.0.0.1"), (cdr.Direction, cdr.From, cdr.To, cdr.EndedBy));
        Assert.Equal([OriginateProgress.Answered, OriginateProgress.Bridged, OriginateProgress.Ended], steps.All.Select(p => p.Event).Where(e => e != OriginateProgress.Ringing));
    }

    [Fact]
    public async Task The_phone_hangs_up_first_and_the_number_gets_a_bye()
    {
        await using var trunk = SipTestPeer.Start();
        await using var desk = SipTestPeer.Start();
        var devices = new FakeRegisteredDevices();
        devices.Bind("bob", desk);
        await using var gw = CallHarness.Start([("pstn", trunk.Port, "")], devices: devices);
        var (originator, _) = Originator(gw);
        var steps = new Steps();

        Assert.True(originator.Originate(new OriginateRequest("+441632960000", null, null, "bob"), "test", _ => steps).IsStarted);
        await steps.WaitForAsync(OriginateProgress.Bridged);
        await desk.WaitForAsync(SipMethods.Ack);

        Assert.Equal(200, (await desk.SendInDialogAsync(SipMethods.Bye)).StatusCode);
        await trunk.WaitForAsync(SipMethods.Bye);
        var ended = await steps.WaitForAsync(OriginateProgress.Ended);
        Assert.Equal("answered", ended.Outcome);
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task Every_phone_declines_and_the_answered_number_gets_a_bye_with_the_cause()
    {
        await using var trunk = SipTestPeer.Start();
        await using var desk = SipTestPeer.Start();
        desk.Behavior = PeerBehavior.Busy;
        var devices = new FakeRegisteredDevices();
        devices.Bind("bob", desk);
        await using var gw = CallHarness.Start([("pstn", trunk.Port, "")], devices: devices);
        var (originator, _) = Originator(gw);
        var steps = new Steps();

        Assert.True(originator.Originate(new OriginateRequest("+441632960000", null, null, "bob"), "test", _ => steps).IsStarted);

        var bye = await trunk.WaitForAsync(SipMethods.Bye);
        Assert.Contains("cause=486", bye.GetHeader("Reason"));
        var ended = await steps.WaitForAsync(OriginateProgress.Ended);
        Assert.Equal((486, "rejected"), (ended.Code, ended.Outcome));
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task A_user_without_a_registered_phone_is_refused_before_dialing()
    {
        await using var trunk = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", trunk.Port, "")], devices: new FakeRegisteredDevices());
        var (originator, _) = Originator(gw);

        var result = originator.Originate(new OriginateRequest("+441632960000", null, null, "bob"), "test", _ => null);

        Assert.Equal((OriginateRefusal.PhoneUnavailable, 480), (result.Refusal, result.Code));
        Assert.Empty(gw.Media.Created);
    }
}
