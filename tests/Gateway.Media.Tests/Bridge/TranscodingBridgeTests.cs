using Gateway.Media.Bridge;
using Gateway.Media.Codecs;
using Gateway.Media.Tests.Transcoding;
using Gateway.Media.Transcoding;
using static Gateway.Media.Tests.Bridge.BridgeHarness;

namespace Gateway.Media.Tests.Bridge;

/// <summary>A transcoded session end to end over loopback sockets: browser Opus (SRTP) &lt;-&gt; trunk PCMU (RTP).</summary>
public sealed class TranscodingBridgeTests
{
    private static readonly MediaCodecMapping OpusToPcmu = MediaCodecMapping.Between("opus", 111, 48000, 110, "PCMU", 0, 8000, 101);

    [Fact]
    public async Task Browser_Opus_reaches_the_trunk_as_PCMU_and_trunk_PCMU_reaches_the_browser_as_Opus()
    {
        await using var engine = Engine();
        await using var session = engine.CreateSession();
        using var browser = new FakeBrowser();
        using var trunk = new FakeTrunk();
        await ConnectAsync(session, browser);
        session.ConfigureSip(trunk.EndPoint, OpusToPcmu);

        var encoder = new OpusFrameEncoder(engine.Opus.CreateEncoder());
        var decoder = new OpusFrameDecoder(engine.Opus.CreateDecoder());
        var tone48k = Tone.Sine(48000, 1000, 960);
        var opus = new byte[OpusFrameEncoder.MaxPacket];
        int opusLength = encoder.Encode(tone48k, opus);
        var packet = browser.Rtp(111, payloadLength: opusLength);
        opus.AsSpan(0, opusLength).CopyTo(packet.AsSpan(12));
        browser.SendSrtp(packet, 12 + opusLength, session.WebEndPoint);
        var atTrunk = RelayTests.Parse((await trunk.ReceiveRtpAsync(Wait))!);
        Assert.Equal(0, atTrunk.PayloadType);
        Assert.Equal(160, atTrunk.Payload.Length);

        var pcmu = trunk.Rtp(0);
        G711MuLaw.Encode(Tone.Sine(8000, 1000, 160), pcmu.AsSpan(12));
        trunk.Send(session, pcmu);
        var atBrowser = RelayTests.Parse((await browser.ReceiveRtpAsync(Wait))!);
        Assert.Equal(111, atBrowser.PayloadType);
        Assert.Equal(960, decoder.Decode(atBrowser.Payload, new short[5760]));
        Assert.Equal(1, session.TranscodingWebToSip!.FramesOut);
        Assert.Equal(1, session.TranscodingSipToWeb!.FramesOut);
    }

    [Fact]
    public async Task Playback_in_Opus_sends_20ms_Opus_packets_on_a_48kHz_clock()
    {
        var clock = new ManualClock();
        await using var engine = Engine(clock);
        await using var session = engine.CreateSession();
        using var browser = new FakeBrowser();
        await ConnectAsync(session, browser);
        session.StartPlayback(Tone.Sine(8000, 440, 800), 111, clockRate: 48000);

        clock.Advance(TimeSpan.FromMilliseconds(40), step: TimeSpan.FromMilliseconds(20));
        var first = RelayTests.Parse((await browser.ReceiveRtpAsync(Wait))!);
        var second = RelayTests.Parse((await browser.ReceiveRtpAsync(Wait))!);
        Assert.Equal(111, first.PayloadType);
        Assert.Equal(first.Timestamp + 960, second.Timestamp);
        var decoder = new OpusFrameDecoder(engine.Opus.CreateDecoder());
        Assert.Equal(960, decoder.Decode(first.Payload, new short[5760]));
    }
}
