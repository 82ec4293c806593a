using Gateway.Media.Bridge;
using Gateway.Media.Codecs;
using static Gateway.Media.Tests.Bridge.BridgeHarness;

namespace Gateway.Media.Tests.Bridge;

/// <summary>The built-in apps (echo 600, playback 601) and DTMF in both directions.</summary>
public sealed class AppTests
{
    [Fact]
    public async Task Echo_SendsTheBrowsersAudioBack_UnderTheGatewaysSsrc()
    {
        await using var engine = Engine();
        await using var session = engine.CreateSession();
        using var browser = new FakeBrowser();
        await ConnectAsync(session, browser);
        session.StartEcho(0, 8000);

        for (int i = 0; i < 3; i++)
        {
            browser.SendAudio(session, 0, fill: (byte)(0x10 + i));
            var echoed = await browser.ReceiveRtpAsync(Wait);
            Assert.NotNull(echoed);
            var h = RelayTests.Parse(echoed);
            Assert.Equal(0, h.PayloadType);
            Assert.NotEqual(browser.Ssrc, h.Ssrc);
            Assert.True(h.Payload.All(b => b == 0x10 + i));
        }
        Assert.Equal(3, session.Stats.WebPacketsOut);
        Assert.Equal(3, engine.PacketsRelayed);
    }

    [Fact]
    public async Task Echo_OnTheSipLeg_SendsTheCallersAudioBack_UnderTheGatewaysSsrc()
    {
        await using var engine = Engine();
        await using var session = engine.CreateSession();
        using var caller = new FakeTrunk();
        session.ConfigureSipApp(caller.EndPoint, 8000);
        session.StartEcho(0, 8000, MediaAppLeg.Sip);

        caller.Send(session, caller.Rtp(0, fill: 0x42));

        var h = RelayTests.Parse((await caller.ReceiveRtpAsync(Wait))!);
        Assert.Equal(0, h.PayloadType);
        Assert.NotEqual(caller.Ssrc, h.Ssrc);
        Assert.True(h.Payload.All(b => b == 0x42));
    }

    [Fact]
    public async Task Playback_SendsOneG711FramePer20ms_Looping()
    {
        var clock = new ManualClock();
        await using var engine = Engine(clock);
        await using var session = engine.CreateSession();
        using var browser = new FakeBrowser();
        await ConnectAsync(session, browser);
        var samples = new short[240]; // 1.5 frames: the second frame wraps around
        for (int i = 0; i < samples.Length; i++) samples[i] = (short)(i * 100);
        session.StartPlayback(samples, 0);

        clock.Advance(TimeSpan.FromMilliseconds(19));
        Assert.Null(await browser.ReceiveRtpAsync(Short));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var first = RelayTests.Parse((await browser.ReceiveRtpAsync(Wait))!);
        Assert.True(first.Marker);
        Assert.Equal(0, first.PayloadType);
        Assert.Equal(160, first.Payload.Length);
        Assert.Equal(G711MuLaw.Encode(samples[5]), first.Payload[5]);

        clock.Advance(TimeSpan.FromMilliseconds(100), step: TimeSpan.FromMilliseconds(20));
        var previous = first;
        for (int i = 0; i < 5; i++)
        {
            var next = RelayTests.Parse((await browser.ReceiveRtpAsync(Wait))!);
            Assert.Equal((ushort)(previous.SequenceNumber + 1), next.SequenceNumber);
            Assert.Equal(previous.Timestamp + 160, next.Timestamp);
            Assert.False(next.Marker);
            if (i == 0) Assert.Equal(G711MuLaw.Encode(samples[(160 + 100) % 240]), next.Payload[100]); // looped
            previous = next;
        }
        Assert.Equal(6, session.PlaybackFramesSent);
        Assert.Null(await browser.ReceiveRtpAsync(Short));
    }

    [Fact]
    public async Task DtmfToSip_SendsRfc4733Events_WithTheSipPayloadTypeAndClock()
    {
        var clock = new ManualClock();
        await using var engine = Engine(clock);
        await using var session = engine.CreateSession();
        using var trunk = new FakeTrunk();
        session.ConfigureSip(trunk.EndPoint, Pcmu(webTe: 126, sipTe: 101));

        var sending = session.SendDtmfToSipAsync("5#", 100);
        var packets = new List<RelayTests.Rtp>();
        while (!sending.IsCompleted)
        {
            clock.Advance(TimeSpan.FromMilliseconds(10));
            await Task.Delay(1);
        }
        await sending;
        while (await trunk.ReceiveRtpAsync(Short) is { } p) packets.Add(RelayTests.Parse(p));

        // 100 ms at 20 ms = 5 updates (the last one E=1) + 2 more end packets, per digit (RFC 4733 §2.5.1.4).
        Assert.Equal(14, packets.Count);
        Assert.All(packets, p => Assert.Equal(101, p.PayloadType));
        var events = packets.Select(p => { Assert.True(TelephoneEvent.TryParse(p.Payload, out var e)); return (p, e); }).ToList();
        Assert.Equal(5, events[0].e.Event);
        Assert.True(events[0].p.Marker);
        Assert.Equal(800, events[6].e.Duration); // 100 ms at 8 kHz
        Assert.True(events[6].e.End);
        Assert.Equal(11, events[7].e.Event); // '#'
        Assert.True(events[7].p.Timestamp > events[0].p.Timestamp);
        for (int i = 1; i < packets.Count; i++) Assert.Equal((ushort)(packets[i - 1].SequenceNumber + 1), packets[i].SequenceNumber);
        Assert.Throws<ArgumentException>(() => session.SendDtmfToSip("5x", 100));
    }

    [Fact]
    public async Task DtmfFromWeb_IsReportedOnce_OnTheEventsEnd()
    {
        await using var call = await BridgedCall.StartAsync(new MediaCodecMapping(111, 0, 48000, 126, 101));
        var (_, session, browser, trunk) = call;
        var digits = new List<(char, int)>();
        session.DtmfFromWeb += (_, d, ms) => { lock (digits) digits.Add((d, ms)); };

        // RFC 4733 from the browser at 48 kHz: same timestamp, growing duration, end packet three times.
        var sender = new DtmfSender(126, browser.Ssrc, 48000);
        int count = sender.PacketCount(120);
        var buf = new byte[64];
        for (int i = 0; i < count; i++)
        {
            int n = sender.WritePacket(buf, i, (byte)TelephoneEvent.FromDigit('7'), 120, 123456, (ushort)(100 + i));
            browser.SendSrtp(buf, n, session.WebEndPoint);
        }
        await EventuallyAsync(() => { lock (digits) return digits.Count == 1; }, "the digit");
        await Task.Delay(200);
        Assert.Equal([('7', 120)], digits);
        // Relayed to the trunk as well, with the SIP telephone-event PT.
        var atTrunk = await trunk.ReceiveRtpAsync(Wait);
        Assert.Equal(101, RelayTests.Parse(atTrunk!).PayloadType);
    }
}
