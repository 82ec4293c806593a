using System.Net;
using Gateway.Media.Bridge;
using Gateway.Media.Codecs;
using Gateway.Media.Conference;
using Gateway.Media.Transcoding;
using static Gateway.Media.Tests.Bridge.BridgeHarness;

namespace Gateway.Media.Tests.Bridge;

/// <summary>A browser and a SIP caller in one room through real sessions on loopback: each hears the other, never itself.</summary>
public sealed class ConferenceSessionTests
{
    private static readonly ConferenceCodec Pcmu = new(AudioCodec.Pcmu, 0);

    [Fact]
    public async Task A_browser_and_a_SIP_caller_hear_each_other_and_muting_the_browser_silences_it()
    {
        var clock = new ManualClock();
        await using var engine = new MediaEngine(new MediaEngineOptions { BindAddress = IPAddress.Loopback, ConferenceTones = false }, null, clock, TestCertificate);
        await using var web = engine.CreateSession();
        await using var sip = engine.CreateSession();
        using var browser = new FakeBrowser();
        using var caller = new FakeTrunk();
        await ConnectAsync(web, browser);
        sip.ConfigureSipApp(caller.EndPoint, 8000);
        Assert.Equal(ConferenceError.None, web.JoinConference("r1", Pcmu, MediaAppLeg.Web, null));
        Assert.Equal(ConferenceError.None, sip.JoinConference("r1", Pcmu, MediaAppLeg.Sip, null));
        Assert.Equal((1, 2), (engine.Conferences.RoomCount, engine.Conferences.ParticipantCount));

        // The browser talks (a loud µ-law level), the caller is silent (0xFF is µ-law zero).
        var (toCaller, toBrowser) = await ExchangeAsync(web, sip, browser, caller, clock, frames: 10);
        Assert.True(toCaller > 1000, $"the caller hears the browser: {toCaller}");
        Assert.Equal(0, toBrowser); // the browser never hears itself

        web.ConferenceMuted = true;
        (toCaller, _) = await ExchangeAsync(web, sip, browser, caller, clock, frames: 4, skip: 2);
        Assert.Equal(0, toCaller);

        web.LeaveConference();
        sip.LeaveConference();
        Assert.Equal((0, 0), (engine.Conferences.RoomCount, engine.Conferences.ParticipantCount));
    }

    /// <summary>Frames both ways, one mix tick each; the peak level each side received after <paramref name="skip"/> ticks.</summary>
    private static async Task<(int ToCaller, int ToBrowser)> ExchangeAsync(MediaSession web, MediaSession sip, FakeBrowser browser, FakeTrunk caller,
        ManualClock clock, int frames, int skip = 0)
    {
        int toCaller = 0, toBrowser = 0;
        for (int i = 0; i < frames; i++)
        {
            browser.SendAudio(web, 0, fill: 0x80);
            caller.Send(sip, caller.Rtp(0, fill: 0xFF));
            await Task.Delay(5); // the datagrams reach the engine's receive threads before the tick (no clock to wait on)
            clock.Advance(TimeSpan.FromMilliseconds(20));
            var heard = await caller.ReceiveRtpAsync(Wait);
            var back = await browser.ReceiveRtpAsync(Wait);
            if (i < skip) continue;
            if (heard is not null) toCaller = Math.Max(toCaller, Peak(RelayTests.Parse(heard).Payload));
            if (back is not null) toBrowser = Math.Max(toBrowser, Peak(RelayTests.Parse(back).Payload));
        }
        return (toCaller, toBrowser);
    }

    private static int Peak(byte[] payload) => payload.Max(b => Math.Abs((int)G711MuLaw.Decode(b)));
}
