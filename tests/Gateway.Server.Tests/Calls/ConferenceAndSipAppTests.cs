using System.Text;
using Gateway.Server.Signaling;
using Gateway.Sip.Messages;

namespace Gateway.Server.Tests.Calls;

/// <summary>SIP callers answered by the built-in applications, and conference mute from the protocol and by *6.</summary>
public sealed class ConferenceAndSipAppTests
{
    private const string Rooms = "  - name: conf\n    match: { exact: '602' }\n    app: conference test\n" +
                                 "  - name: rooms\n    match: { regex: '^8(\\d)$' }\n    app: conference room-$1\n";

    [Fact]
    public async Task A_SIP_caller_routed_to_echo_is_answered_by_the_gateway_with_RTP_on_its_leg()
    {
        await using var caller = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", caller.Port, "")]);

        var (invite, tx, _) = caller.Call(gw.EndPoint, "600");

        var ok = await tx.FinalResponse;
        Assert.Equal(200, ok.StatusCode);
        var sdp = Encoding.ASCII.GetString(ok.Body.Span);
        Assert.Contains("m=audio 5", sdp);
        Assert.Contains("RTP/AVP 0 101", sdp); // PCMU, the one codec offered, and the telephone-event offered
        Assert.Contains("a=sendrecv", sdp);
        await caller.AckAsync(invite, ok);
        var media = gw.Media.Last;
        Assert.Contains("sip app 127.0.0.1:6000 8000", media.Calls);
        Assert.Contains("echo sip 0 8000", media.Calls);

        Assert.Equal(200, (await caller.SendInDialogAsync(SipMethods.Bye)).StatusCode);
        await gw.WaitForNoCallsAsync();
        Assert.True(media.Disposed);
        Assert.Equal("app", gw.Cdr.Records.Single().Direction);
    }

    [Fact]
    public async Task A_SIP_caller_joins_the_room_its_number_names_and_star_6_toggles_its_mute()
    {
        await using var caller = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", caller.Port, "")], extraRoutes: Rooms);

        var (invite, tx, _) = caller.Call(gw.EndPoint, "85");
        var ok = await tx.FinalResponse;
        Assert.Equal(200, ok.StatusCode);
        await caller.AckAsync(invite, ok);
        var media = gw.Media.Last;
        Assert.Contains("conference room-5 Pcmu Sip", media.Calls);

        foreach (var digit in "1*6") media.ConferenceDigits!(digit);
        await WaitUntil(() => media.ConferenceMuted);
        foreach (var digit in "*6") media.ConferenceDigits!(digit);
        await WaitUntil(() => !media.ConferenceMuted);

        Assert.Equal(200, (await caller.SendInDialogAsync(SipMethods.Bye)).StatusCode);
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task An_SRTP_or_offerless_INVITE_to_an_application_is_refused_488()
    {
        await using var caller = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", caller.Port, "")]);

        var (_, savp, _) = caller.Call(gw.EndPoint, "600", SipTestPeer.PcmuSdp.Replace("RTP/AVP", "RTP/SAVP"));
        var (_, none, _) = caller.Call(gw.EndPoint, "600", sdp: null);

        Assert.Equal(488, (await savp.FinalResponse).StatusCode);
        Assert.Equal(488, (await none.FinalResponse).StatusCode);
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task A_browser_in_a_conference_mutes_and_unmutes_by_message_and_by_star_6()
    {
        await using var peer = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", peer.Port, "")], extraRoutes: Rooms);
        var web = new FakeWebSession("w1", "alice");

        gw.Place(web, "c1", "602");

        Assert.Contains("opus/48000", (string)(await web.WaitForAsync("answer", "c1"))["sdp"]!);
        var media = gw.Media.Last;
        Assert.Contains("conference test Opus Web", media.Calls);
        gw.Controller.OnMessage(web, new SetMute("c1", true));
        await WaitUntil(() => media.ConferenceMuted);
        gw.Controller.OnMessage(web, new SetMute("c1", false));
        await WaitUntil(() => !media.ConferenceMuted);
        gw.Controller.OnMessage(web, new SendDtmf("c1", "*6", 100));
        await WaitUntil(() => media.ConferenceMuted);

        gw.Controller.OnMessage(web, new Hangup("c1"));
        await web.WaitForAsync("hangup", "c1");
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task Mute_outside_a_conference_is_a_bad_request()
    {
        await using var peer = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", peer.Port, "")]);
        var web = new FakeWebSession("w1", "alice");
        gw.Place(web, "c1", "600");
        await web.WaitForAsync("answer", "c1");

        gw.Controller.OnMessage(web, new SetMute("c1", true));

        Assert.Equal("bad_request", (string)(await web.WaitForAsync("error", "c1"))["code"]!);
        gw.Controller.OnSessionEnded(web);
        await gw.WaitForNoCallsAsync();
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = Environment.TickCount64 + 5000;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline) throw new TimeoutException("condition not met");
            await Task.Delay(5);
        }
    }
}
