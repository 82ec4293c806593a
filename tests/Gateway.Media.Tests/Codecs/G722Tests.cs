using Gateway.Media.Codecs;
using Xunit;
using Xunit.Abstractions;

namespace Gateway.Media.Tests.Codecs;

public sealed class G722Tests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(400.0)]
    [InlineData(1000.0)]
    [InlineData(3000.0)]
    public void SineThroughEncoderAndDecoder_KeepsTheTone(double hz)
    {
        const int n = 16000;
        var pcm = new short[n];
        for (int i = 0; i < n; i++) pcm[i] = (short)(Math.Sin(2 * Math.PI * hz * i / 16000) * 10000);
        var coded = new byte[n / 2];
        new G722Encoder().Encode(pcm, coded);
        var back = new short[n];
        new G722Decoder().Decode(coded, back);

        // The codec delays by the two QMFs (23 samples); find the best alignment, then measure SNR.
        double best = double.NegativeInfinity;
        int bestDelay = 0;
        for (int delay = 0; delay < 40; delay++)
        {
            double sig = 0, err = 0;
            for (int i = 2000; i < n - 100; i++)
            {
                sig += (double)pcm[i] * pcm[i];
                double e = back[i + delay] - pcm[i];
                err += e * e;
            }
            double snr = 10 * Math.Log10(sig / Math.Max(err, 1));
            if (snr > best) { best = snr; bestDelay = delay; }
        }
        output.WriteLine($"{hz} Hz: SNR {best:F1} dB at delay {bestDelay}");
        Assert.True(best > 20, $"SNR {best:F1} dB");
    }

    [Fact]
    public void Decoder_IsStableOnRandomInput()
    {
        var rng = new Random(722);
        var coded = new byte[8000];
        rng.NextBytes(coded);
        var pcm = new short[16000];
        var dec = new G722Decoder();
        dec.Decode(coded, pcm);
        // Then silence-ish codes: output must settle, not oscillate at full scale.
        Array.Fill(coded, (byte)0xFF);
        dec.Decode(coded, pcm);
        Assert.True(pcm.Skip(15000).All(s => Math.Abs((int)s) < 2000), "decoder did not settle");
    }
}
