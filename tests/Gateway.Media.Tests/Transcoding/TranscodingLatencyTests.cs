using Gateway.Media.Bridge;
using Gateway.Media.Codecs;
using Gateway.Media.Rtp;
using Gateway.Media.Transcoding;
using Xunit.Abstractions;

namespace Gateway.Media.Tests.Transcoding;

/// <summary>
/// The delay the transcoded path adds to the audio (issue #16 bar: 30 ms, jitter buffer included): a tone starts after
/// 200 ms of silence; the onset's time in the output stream minus its time in the input stream, both counted from the
/// first packet (each input packet yields its output packet at once, so the streams' clocks line up).
/// </summary>
public sealed class TranscodingLatencyTests(ITestOutputHelper output)
{
    private const int OnsetPacket = 10;

    private static (TranscodingPath WebToSip, TranscodingPath SipToWeb) Paths()
    {
        var mapping = MediaCodecMapping.Between("opus", 111, 48000, null, "PCMU", 0, 8000, null);
        return TranscodingPaths.Create(new OpusCodecProvider(), mapping, mapping.Transcoding!, 1, 2);
    }

    private static short[] Input(int rate, int packets)
    {
        int frame = rate / 50;
        var pcm = new short[frame * packets];
        var tone = Tone.Sine(rate, 1000, frame * (packets - OnsetPacket));
        tone.CopyTo(pcm, frame * OnsetPacket);
        return pcm;
    }

    private static double OnsetMs(ReadOnlySpan<short> pcm, int rate, int threshold)
    {
        for (int i = 0; i < pcm.Length; i++) if (Math.Abs((int)pcm[i]) > threshold) return i * 1000.0 / rate;
        return double.NaN;
    }

    private static byte[] Rtp(byte pt, int seq, ReadOnlySpan<byte> payload)
    {
        var packet = new byte[12 + payload.Length];
        RtpHeaderWriter.Write(packet, pt, (ushort)seq, (uint)seq * 960, 9);
        payload.CopyTo(packet.AsSpan(12));
        return packet;
    }

    [Fact]
    public void Browser_to_trunk_adds_less_than_30ms()
    {
        var (webToSip, _) = Paths();
        var encoder = new OpusFrameEncoder(new OpusCodecProvider().CreateEncoder()); // the browser's encoder
        var input = Input(48000, 30);
        var received = new List<short>();
        var payload = new byte[OpusFrameEncoder.MaxPacket];
        var buffer = new byte[1500];
        for (int p = 0; p < 30; p++)
        {
            webToSip.Push(Rtp(111, p, payload.AsSpan(0, encoder.Encode(input.AsSpan(p * 960, 960), payload))));
            for (int n; (n = webToSip.Produce(buffer)) > 0;)
                foreach (var b in buffer.AsSpan(12, n - 12)) received.Add(G711MuLaw.Decode(b));
        }
        // The browser's own encoder lookahead is in this figure too (the decoder's output is delayed by it).
        double delay = OnsetMs(received.ToArray(), 8000, 4000) - OnsetMs(input, 48000, 4000);
        output.WriteLine($"browser -> trunk: {delay:F1} ms (Opus lookahead of the browser's encoder, 48 -> 8 kHz filter)");
        Assert.InRange(delay, 0, 30);
    }

    [Fact]
    public void Trunk_to_browser_adds_less_than_30ms()
    {
        var (_, sipToWeb) = Paths();
        var decoder = new OpusFrameDecoder(new OpusCodecProvider().CreateDecoder()); // the browser's decoder
        var input = Input(8000, 30);
        var received = new List<short>();
        var payload = new byte[160];
        var buffer = new byte[1500];
        var pcm = new short[5760];
        for (int p = 0; p < 30; p++)
        {
            G711MuLaw.Encode(input.AsSpan(p * 160, 160), payload);
            sipToWeb.Push(Rtp(0, p, payload));
            for (int n; (n = sipToWeb.Produce(buffer)) > 0;)
                received.AddRange(pcm.AsSpan(0, decoder.Decode(buffer.AsSpan(12, n - 12), pcm)));
        }
        double delay = OnsetMs(received.ToArray(), 48000, 4000) - OnsetMs(input, 8000, 4000);
        output.WriteLine($"trunk -> browser: {delay:F1} ms (8 -> 48 kHz filter, Opus encoder lookahead)");
        Assert.InRange(delay, 0, 30);
    }

    [Fact]
    public void The_jitter_buffer_holds_nothing_in_order_and_at_most_its_bound_on_a_loss()
    {
        var buffer = new JitterBuffer();
        byte[] packet = new byte[20];
        buffer.Insert(packet, 1, 5);
        Assert.Equal(JitterTake.Packet, buffer.TryTake(out _)); // in order: out at once, 0 ms
        buffer.Insert(packet, 3, 5);
        Assert.Equal(JitterTake.None, buffer.TryTake(out _)); // 2 missing: 3 waits
        buffer.Insert(packet, 4, 5);
        Assert.Equal(JitterTake.Lost, buffer.TryTake(out _)); // given up once 2 later packets (40 ms) are here
        Assert.Equal(2, buffer.MaxDelayPackets);
    }
}
