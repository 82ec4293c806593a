using Gateway.Media.Transcoding;
using Xunit;

namespace Gateway.Media.Tests.Transcoding;

public sealed class ResamplerTests
{
    [Theory]
    [InlineData(8000)]
    [InlineData(16000)]
    public void Up_then_down_keeps_a_1kHz_tone(int rate)
    {
        var up = Resampler.Create(rate, 48000, 960);
        var down = Resampler.Create(48000, rate, 960);
        int frame = rate / 50;
        var tone = Tone.Sine(rate, 1000, frame * 20);
        var high = new short[960];
        var back = new short[tone.Length];
        for (int f = 0; f < 20; f++)
        {
            Assert.Equal(960, up.Process(tone.AsSpan(f * frame, frame), high));
            Assert.Equal(frame, down.Process(high, back.AsSpan(f * frame, frame)));
        }
        var steady = back.AsSpan(frame * 2); // past the filters' delay
        Assert.Equal(1000, Tone.Peak(steady, rate));
        Assert.InRange(Tone.Db(Tone.Rms(steady) / Tone.Rms(tone)), -0.5, 0.5);
    }

    [Fact]
    public void Decimation_removes_what_the_lower_rate_cannot_carry()
    {
        // 6 kHz at 48 kHz would alias to 2 kHz at 8 kHz: the low-pass must take it out.
        var down = Resampler.Create(48000, 8000, 960);
        var tone = Tone.Sine(48000, 6000, 960 * 10);
        var output = new short[1600];
        for (int f = 0; f < 10; f++) down.Process(tone.AsSpan(f * 960, 960), output.AsSpan(f * 160, 160));
        Assert.True(Tone.Db(Tone.Rms(output.AsSpan(320)) / Tone.Rms(tone)) < -40);
    }

    [Fact]
    public void Upsampling_a_frame_gives_six_times_the_samples_and_allocates_nothing()
    {
        var up = Resampler.Create(8000, 48000, 960);
        var input = Tone.Sine(8000, 440, 160);
        var output = new short[960];
        up.Process(input, output);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) up.Process(input, output);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
