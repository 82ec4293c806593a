using Gateway.Media.Transcoding;
using Xunit;

namespace Gateway.Media.Tests.Transcoding;

public sealed class OpusCodecTests
{
    private const int Frame = OpusCodecProvider.FrameSamples;

    public static TheoryData<OpusLibrary> Libraries => new() { OpusLibrary.Auto, OpusLibrary.Managed };

    [Fact]
    public void Native_libopus_is_used_when_it_loads()
    {
        // libopus0 + libopus-dev are installed by scripts/test.sh; elsewhere the managed port is the fallback.
        var provider = new OpusCodecProvider();
        if (File.Exists("/usr/lib/x86_64-linux-gnu/libopus.so")) Assert.Equal(OpusBackend.Native, provider.Backend);
        Assert.Equal(OpusBackend.Managed, new OpusCodecProvider(OpusLibrary.Managed).Backend);
        Assert.Throws<ArgumentOutOfRangeException>(() => new OpusCodecProvider(complexity: 11));
    }

    [Theory]
    [MemberData(nameof(Libraries))]
    public void A_1kHz_tone_keeps_its_frequency_and_level(OpusLibrary library)
    {
        var provider = new OpusCodecProvider(library);
        var encoder = new OpusFrameEncoder(provider.CreateEncoder());
        var decoder = new OpusFrameDecoder(provider.CreateDecoder());
        var tone = Tone.Sine(48000, 1000, Frame * 50);
        var decoded = new short[tone.Length];
        var packet = new byte[OpusFrameEncoder.MaxPacket];
        for (int f = 0; f < 50; f++)
        {
            int n = encoder.Encode(tone.AsSpan(f * Frame, Frame), packet);
            Assert.InRange(n, 10, OpusFrameEncoder.MaxPacket);
            Assert.Equal(Frame, decoder.Decode(packet.AsSpan(0, n), decoded.AsSpan(f * Frame)));
        }
        var steady = decoded.AsSpan(Frame * 10);
        Assert.Equal(1000, Tone.Peak(steady[..(Frame * 10)], 48000));
        Assert.InRange(Tone.Db(Tone.Rms(steady) / Tone.Rms(tone)), -2, 2);
    }

    [Theory]
    [MemberData(nameof(Libraries))]
    public void A_lost_packet_is_rebuilt_from_the_next_packets_FEC(OpusLibrary library)
    {
        var provider = new OpusCodecProvider(library);
        var encoder = new OpusFrameEncoder(provider.CreateEncoder());
        var decoder = new OpusFrameDecoder(provider.CreateDecoder());
        var tone = Tone.Sine(48000, 1000, Frame * 30);
        var packets = new byte[30][];
        for (int f = 0; f < 30; f++)
        {
            var buffer = new byte[OpusFrameEncoder.MaxPacket];
            packets[f] = buffer[..encoder.Encode(tone.AsSpan(f * Frame, Frame), buffer)];
        }
        var pcm = new short[Frame];
        for (int f = 0; f < 20; f++) decoder.Decode(packets[f], pcm);
        // Packet 20 is lost; 21 carries its low-bit-rate copy (RFC 6716 §4.2.5).
        Assert.Equal(Frame, decoder.Conceal(packets[21], pcm));
        Assert.Equal(1, decoder.FecRecovered);
        Assert.InRange(Tone.Db(Tone.RmsAt(pcm, 48000, 1000) / Tone.Rms(tone)), -6, 2);
        Assert.Equal(Frame, decoder.Decode(packets[21], pcm));
    }

    [Theory]
    [MemberData(nameof(Libraries))]
    public void Without_FEC_a_loss_is_concealed(OpusLibrary library)
    {
        var provider = new OpusCodecProvider(library);
        var encoder = new OpusFrameEncoder(provider.CreateEncoder());
        var decoder = new OpusFrameDecoder(provider.CreateDecoder());
        var packet = new byte[OpusFrameEncoder.MaxPacket];
        var pcm = new short[Frame];
        for (int f = 0; f < 10; f++) decoder.Decode(packet.AsSpan(0, encoder.Encode(Tone.Sine(48000, 1000, Frame, offset: f * Frame), packet)), pcm);
        Assert.Equal(Frame, decoder.Conceal(default, pcm));
        Assert.Equal(1, decoder.Concealed);
        Assert.True(Tone.Rms(pcm) > 100); // PLC extrapolates the tone rather than going silent
    }

    [Fact]
    public void A_corrupt_packet_is_dropped_without_throwing()
    {
        var decoder = new OpusFrameDecoder(new OpusCodecProvider().CreateDecoder());
        var pcm = new short[OpusFrameDecoder.MaxFrameSamples];
        byte[] garbage = [0xFF, 0xFF, 0xFF];
        Assert.True(decoder.Decode(garbage, pcm) >= 0);
    }
}
