using System.Buffers.Binary;
using Gateway.Media.Bridge;
using Gateway.Media.Codecs;
using Gateway.Media.Rtp;
using Gateway.Media.Transcoding;
using Xunit;

namespace Gateway.Media.Tests.Transcoding;

public sealed class TranscodingPathTests
{
    private const byte OpusPt = 111, WebTe = 110, SipTe = 101;
    private static readonly MediaCodecMapping Mapping = MediaCodecMapping.Between("opus", OpusPt, 48000, WebTe, "PCMU", 0, 8000, SipTe);

    private static (TranscodingPath WebToSip, TranscodingPath SipToWeb) Paths(OpusLibrary library = OpusLibrary.Auto) =>
        TranscodingPaths.Create(new OpusCodecProvider(library), Mapping, Mapping.Transcoding!, sipSsrc: 0x5151, webSsrc: 0x7777);

    private static byte[] Rtp(byte pt, ushort seq, uint ts, uint ssrc, ReadOnlySpan<byte> payload)
    {
        var packet = new byte[12 + payload.Length];
        RtpHeaderWriter.Write(packet, pt, seq, ts, ssrc);
        payload.CopyTo(packet.AsSpan(12));
        return packet;
    }

    [Fact]
    public void Between_chooses_transcoding_only_for_Opus_to_G711_or_G722()
    {
        Assert.Equal(AudioCodec.Pcmu, Mapping.Transcoding?.SipCodec);
        Assert.Equal(48000, Mapping.WebClockRate);
        Assert.Null(MediaCodecMapping.Between("PCMU", 0, 8000, 126, "PCMU", 0, 8000, 101).Transcoding);
        Assert.Null(MediaCodecMapping.Between("opus", 111, 48000, null, "opus", 96, 48000, null).Transcoding);
        Assert.Equal(AudioCodec.G722, MediaCodecMapping.Between("opus", 111, 48000, null, "G722", 9, 8000, null).Transcoding?.SipCodec);
    }

    [Fact]
    public void Browser_Opus_tone_reaches_the_trunk_as_a_1kHz_PCMU_tone()
    {
        var opus = new OpusFrameEncoder(new OpusCodecProvider().CreateEncoder());
        var (webToSip, _) = Paths();
        var received = new List<short>();
        var payload = new byte[OpusFrameEncoder.MaxPacket];
        var output = new byte[1500];
        ushort lastSeq = 0;
        uint lastTs = 0;
        for (int f = 0; f < 50; f++)
        {
            int n = opus.Encode(Tone.Sine(48000, 1000, 960, offset: f * 960), payload);
            Assert.True(webToSip.Push(Rtp(OpusPt, (ushort)(100 + f), (uint)(f * 960), 0xAAAA, payload.AsSpan(0, n))));
            for (int len; (len = webToSip.Produce(output)) > 0;)
            {
                RtpHeader.TryParse(output.AsSpan(0, len), out var h, out _);
                Assert.Equal(0, h.PayloadType);
                Assert.Equal(0x5151u, h.Ssrc);
                Assert.Equal(160, h.Payload.Length);
                if (received.Count > 0) { Assert.Equal((ushort)(lastSeq + 1), h.SequenceNumber); Assert.Equal(lastTs + 160, h.Timestamp); }
                lastSeq = h.SequenceNumber;
                lastTs = h.Timestamp;
                foreach (var b in h.Payload) received.Add(G711MuLaw.Decode(b));
            }
        }
        Assert.Equal(50 * 160, received.Count); // no added delay: one packet out per packet in
        var steady = received.ToArray().AsSpan(1600);
        Assert.Equal(1000, Tone.Peak(steady, 8000));
        Assert.InRange(Tone.Db(Tone.Rms(steady) / (8000 / Math.Sqrt(2))), -3, 2);
    }

    [Fact]
    public void Trunk_PCMU_tone_reaches_the_browser_as_a_1kHz_Opus_tone_and_a_loss_is_concealed()
    {
        var (_, sipToWeb) = Paths();
        var decoder = new OpusFrameDecoder(new OpusCodecProvider().CreateDecoder());
        var received = new List<short>();
        var payload = new byte[160];
        var output = new byte[1500];
        var pcm = new short[5760];
        for (int f = 0; f < 50; f++)
        {
            G711MuLaw.Encode(Tone.Sine(8000, 1000, 160, offset: f * 160), payload);
            if (f == 25) continue; // lost on the way
            sipToWeb.Push(Rtp(0, (ushort)(7 + f), (uint)(f * 160), 0xBBBB, payload));
            for (int len; (len = sipToWeb.Produce(output)) > 0;)
            {
                RtpHeader.TryParse(output.AsSpan(0, len), out var h, out _);
                Assert.Equal(OpusPt, h.PayloadType);
                Assert.Equal(0x7777u, h.Ssrc);
                int n = decoder.Decode(h.Payload, pcm);
                Assert.Equal(960, n);
                received.AddRange(pcm.AsSpan(0, n));
            }
        }
        Assert.Equal(1, sipToWeb.Jitter.Lost);
        Assert.Equal(50 * 960, received.Count); // the loss was concealed: one frame in its place
        var steady = received.ToArray().AsSpan(9600, 9600);
        Assert.Equal(1000, Tone.Peak(steady, 48000));
        Assert.InRange(Tone.Db(Tone.Rms(steady) / (8000 / Math.Sqrt(2))), -3, 2);
    }

    [Fact]
    public void Telephone_events_cross_with_the_payload_type_mapped_and_the_duration_rescaled()
    {
        var (webToSip, _) = Paths();
        var output = new byte[1500];
        byte[] event5 = [5, 10, 0x03, 0xC0]; // digit 5, volume 10, 960 units = 20 ms at 48 kHz
        byte[] end5 = [5, 0x8A, 0x0F, 0x00]; // end, 3840 units = 80 ms
        webToSip.Push(Rtp(WebTe, 1, 48000, 0xAAAA, event5));
        int len = webToSip.Produce(output);
        RtpHeader.TryParse(output.AsSpan(0, len), out var first, out _);
        Assert.Equal(SipTe, first.PayloadType);
        Assert.Equal(160, BinaryPrimitives.ReadUInt16BigEndian(first.Payload[2..]));
        uint eventTs = first.Timestamp;
        webToSip.Push(Rtp(WebTe, 2, 48000, 0xAAAA, end5));
        len = webToSip.Produce(output);
        RtpHeader.TryParse(output.AsSpan(0, len), out var last, out _);
        Assert.Equal(eventTs, last.Timestamp); // one event, one timestamp (RFC 4733 §2.3.1)
        Assert.Equal(640, BinaryPrimitives.ReadUInt16BigEndian(last.Payload[2..]));
        Assert.Equal(0x8A, last.Payload[1]);
        Assert.Equal(2, webToSip.EventsOut);
    }

    [Theory]
    [InlineData(OpusLibrary.Auto)]
    public void The_steady_state_allocates_nothing_per_packet(OpusLibrary library)
    {
        var (webToSip, sipToWeb) = Paths(library);
        var opus = new OpusFrameEncoder(new OpusCodecProvider(library).CreateEncoder());
        var opusPayload = new byte[OpusFrameEncoder.MaxPacket];
        int opusLength = opus.Encode(Tone.Sine(48000, 1000, 960), opusPayload);
        var pcmu = new byte[160];
        G711MuLaw.Encode(Tone.Sine(8000, 1000, 160), pcmu);
        var webPackets = new byte[200][];
        var sipPackets = new byte[200][];
        for (int i = 0; i < 200; i++)
        {
            webPackets[i] = Rtp(OpusPt, (ushort)i, (uint)(i * 960), 1, opusPayload.AsSpan(0, opusLength));
            sipPackets[i] = Rtp(0, (ushort)i, (uint)(i * 160), 2, pcmu);
        }
        var output = new byte[1500];
        void Run(int from, int to)
        {
            for (int i = from; i < to; i++)
            {
                webToSip.Push(webPackets[i]);
                while (webToSip.Produce(output) > 0) { }
                sipToWeb.Push(sipPackets[i]);
                while (sipToWeb.Produce(output) > 0) { }
            }
        }
        Run(0, 50); // warm up (JIT, lazy tables)
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(50, 200);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(200, webToSip.FramesOut);
        Assert.Equal(200, sipToWeb.FramesOut);
    }
}
