namespace Gateway.Media.Tests.Transcoding;

/// <summary>Test signals and their measurement: a sine generator, RMS level and the power at one frequency (Goertzel).</summary>
internal static class Tone
{
    public static short[] Sine(int rate, double hz, int samples, double amplitude = 8000, int offset = 0)
    {
        var pcm = new short[samples];
        for (int i = 0; i < samples; i++) pcm[i] = (short)Math.Round(amplitude * Math.Sin(2 * Math.PI * hz * (i + offset) / rate));
        return pcm;
    }

    public static double Rms(ReadOnlySpan<short> pcm)
    {
        double sum = 0;
        foreach (var s in pcm) sum += (double)s * s;
        return pcm.IsEmpty ? 0 : Math.Sqrt(sum / pcm.Length);
    }

    /// <summary>RMS of the component at <paramref name="hz"/> (Goertzel), comparable to <see cref="Rms"/>.</summary>
    public static double RmsAt(ReadOnlySpan<short> pcm, int rate, double hz)
    {
        double w = 2 * Math.PI * hz / rate, coeff = 2 * Math.Cos(w), s1 = 0, s2 = 0;
        foreach (var x in pcm)
        {
            double s0 = x + coeff * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
        return Math.Sqrt(2 * power) / pcm.Length;
    }

    /// <summary>The strongest frequency among 50 Hz steps up to Nyquist.</summary>
    public static double Peak(ReadOnlySpan<short> pcm, int rate)
    {
        double best = 0, bestHz = 0;
        for (double hz = 50; hz < rate / 2.0; hz += 50)
        {
            double p = RmsAt(pcm, rate, hz);
            if (p > best) { best = p; bestHz = hz; }
        }
        return bestHz;
    }

    public static double Db(double ratio) => 20 * Math.Log10(ratio);
}
