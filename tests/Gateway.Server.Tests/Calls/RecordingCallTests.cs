using Gateway.Server.Signaling;
using Gateway.Sip.Messages;

namespace Gateway.Server.Tests.Calls;

/// <summary><c>record:</c> reaches the call: a recorded trunk's answered call starts its recording and the CDR names the file.</summary>
public sealed class RecordingCallTests
{
    [Fact]
    public async Task A_call_on_a_recorded_trunk_is_recorded_from_answer_and_its_CDR_names_the_file()
    {
        await using var peer = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", peer.Port, "record: true")]);
        var web = new FakeWebSession("w1", "alice");

        gw.Place(web, "c1", "+14155550100");
        await web.WaitForAsync("answer", "c1");
        gw.Controller.OnMessage(web, new Hangup("c1"));
        await peer.WaitForAsync(SipMethods.Bye);
        await gw.WaitForNoCallsAsync();

        var recorded = Assert.Single(gw.Media.Last.Calls, c => c.StartsWith("record "));
        Assert.Matches(@"^record \d{8}T\d{6}Z-c1\.wav 8000$", recorded);
        Assert.EndsWith("-c1.wav", gw.Cdr.Records.Single().Recording);
    }

    [Fact]
    public async Task A_route_with_record_false_overrides_its_recorded_trunk()
    {
        await using var peer = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", peer.Port, "record: true")],
            extraRoutes: "  - name: private\n    match: { prefix: '+1415' }\n    trunk: pstn\n    record: false\n");
        var web = new FakeWebSession("w1", "alice");

        gw.Place(web, "c1", "+14155550100");
        await web.WaitForAsync("answer", "c1");
        gw.Controller.OnMessage(web, new Hangup("c1"));
        await gw.WaitForNoCallsAsync();

        Assert.DoesNotContain(gw.Media.Last.Calls, c => c.StartsWith("record "));
        Assert.Null(gw.Cdr.Records.Single().Recording);
    }
}
