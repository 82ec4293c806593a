using Gateway.Server.Calls;
using Gateway.Server.Signaling;
using Gateway.Sip.Messages;

namespace Gateway.Server.Tests.Calls;

/// <summary>The operators' read-only view of live calls (<see cref="ICallDirectory"/>) and its one hangup.</summary>
public sealed class CallDirectoryTests
{
    [Fact]
    public async Task An_answered_trunk_call_is_listed_with_its_route_trunk_codec_and_live_media_then_hung_up_by_the_operator()
    {
        await using var peer = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", peer.Port, "")]);
        var directory = new CallDirectory(gw.Registry);
        var web = new FakeWebSession("w1", "alice");

        gw.Place(web, "c1", "+14155550100");
        await web.WaitForAsync("answer", "c1");
        await peer.WaitForAsync(SipMethods.Ack);

        var call = Assert.Single(directory.Snapshot());
        Assert.StartsWith("k", call.Id);
        Assert.Equal(CallDirection.Outbound, call.Direction);
        Assert.Equal("alice", call.From);
        Assert.Equal("+14155550100", call.To);
        Assert.Equal("out", call.Route);
        Assert.Equal("pstn", call.Trunk);
        Assert.Equal("PCMU/8000", call.Codec);
        Assert.Equal(CallPhase.Active, call.State);
        Assert.NotNull(call.AnsweredAt);
        // The fake media reports 10 + 12 packets in, 1 + 2 lost, jitter 0.5 / 1.5 ms (CallFakes).
        Assert.Equal(new CallMediaSnapshot(22, 24, 3, 3.0 / 25, 1.5), call.Media);
        Assert.Equal(call.Id, directory.Find(call.Id)?.Id);
        Assert.Equal(call.Id, Assert.Single(directory.Snapshot()).Id); // the id is stable

        Assert.True(directory.HangUp(call.Id, "token sha256:0badf00d from 127.0.0.1"));
        var bye = await peer.WaitForAsync(SipMethods.Bye);
        // The operator's own cause: RFC 3326 Reason on the BYE, the browser's hangup reason, the CDR's reason and who.
        Assert.Equal("SIP ;cause=200 ;text=\"Terminated by operator\"", bye.GetHeader("Reason"));
        var hangup = await web.WaitForAsync("hangup", "c1");
        Assert.Equal(200, (int)hangup["code"]!);
        Assert.Equal("Terminated by operator", (string?)hangup["reason"]);
        await gw.WaitForNoCallsAsync();
        var cdr = Assert.Single(gw.Cdr.Records);
        Assert.Equal((200, "Terminated by operator", "token sha256:0badf00d from 127.0.0.1"), (cdr.Cause, cdr.Reason, cdr.EndedBy));
        Assert.Empty(directory.Snapshot());
        Assert.Null(directory.Find(call.Id));
        Assert.False(directory.HangUp(call.Id, "test"));
    }

    [Fact]
    public async Task Unknown_ids_find_nothing()
    {
        await using var gw = CallHarness.Start([("pstn", 9, "")]);
        var directory = new CallDirectory(gw.Registry);
        var web = new FakeWebSession("w1", "alice");
        gw.Place(web, "c1", "600");
        await web.WaitForAsync("answer", "c1");

        Assert.Single(directory.Snapshot());
        Assert.Null(directory.Find("c1")); // the browser's id is not the directory's
        Assert.False(directory.HangUp("k999-zz", "test"));
        gw.Controller.OnMessage(web, new Hangup("c1"));
        await gw.WaitForNoCallsAsync();
    }
}
