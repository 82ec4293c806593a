using Gateway.Server.Signaling;

namespace Gateway.Server.Tests.Calls;

/// <summary>Issue #12 item 4 at the call layer: an offer that cannot secure its media is refused 488 with no media allocated; candidates are checked.</summary>
public sealed class StrictOfferTests
{
    private static string Without(string line) =>
        string.Join("\r\n", CallHarness.BrowserOffer.Split("\r\n").Where(l => !l.StartsWith(line, StringComparison.Ordinal)));

    private static string Replace(string prefix, string replacement) =>
        string.Join("\r\n", CallHarness.BrowserOffer.Split("\r\n").Select(l => l.StartsWith(prefix, StringComparison.Ordinal) ? replacement : l));

    public static TheoryData<string, string> BadOffers => new()
    {
        { Without("a=fingerprint"), "fingerprint" },
        { Replace("a=fingerprint", "a=fingerprint:md5 6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CC:87:32:BE"), "md5" },
        { Replace("a=fingerprint", "a=fingerprint:sha-256 garbage"), "hex pairs" },
        { Without("a=ice-ufrag"), "ice-ufrag" },
        { Without("a=ice-pwd"), "ice-pwd" },
        { Without("a=setup"), "setup" },
        { Replace("a=setup", "a=setup:holdconn"), "holdconn" },
    };

    [Theory]
    [MemberData(nameof(BadOffers))]
    public async Task Unusable_offer_is_hung_up_488_with_the_reason_and_no_media(string offer, string reason)
    {
        await using var trunk = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", trunk.Port, "")]);
        var web = new FakeWebSession("w1", "alice");

        gw.Place(web, "c1", "+14155550100", offer);

        var hangup = await web.WaitForAsync("hangup", "c1");
        Assert.Equal(488, (int)hangup["code"]!);
        Assert.Contains(reason, (string)hangup["reason"]!);
        Assert.Empty(gw.Media.Created);
        Assert.Equal(0, gw.Registry.Count);
        Assert.Equal(0, trunk.Count(Gateway.Sip.Messages.SipMethods.Invite));
    }

    [Fact]
    public async Task Candidates_are_checked_unknown_calls_are_not_found_and_nothing_follows_end_of_candidates()
    {
        await using var trunk = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", trunk.Port, "")]);
        var web = new FakeWebSession("w1", "alice");

        gw.Controller.OnMessage(web, new TrickleCandidate("nope", "candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host", "0", 0));
        Assert.Equal("not_found", (string)(await web.WaitForAsync("error", "nope"))["code"]!);

        gw.Place(web, "c1", "+14155550100");
        await web.WaitForAsync("answer", "c1");
        gw.Controller.OnMessage(web, new TrickleCandidate("c1", "candidate:garbage", "0", 0));
        var bad = await web.WaitForAsync("error", "c1");
        Assert.Equal("bad_request", (string)bad["code"]!);
        Assert.Contains("fields", (string)bad["message"]!);

        gw.Controller.OnMessage(web, new TrickleCandidate("c1", "candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host generation 0", "0", 0));
        gw.Controller.OnMessage(web, new TrickleCandidate("c1", "", "0", 0));
        gw.Controller.OnMessage(web, new TrickleCandidate("c1", "candidate:2 1 udp 2122260223 192.0.2.1 54322 typ host", "0", 0));
        var late = await web.WaitForAsync("error", "c1", skip: 1);
        Assert.Contains("end-of-candidates", (string)late["message"]!);
        Assert.Equal(3, web.Count("error")); // not_found, the malformed one, the late one: nothing else

        gw.Controller.OnMessage(web, new Hangup("c1"));
        await gw.WaitForNoCallsAsync();
    }
}
