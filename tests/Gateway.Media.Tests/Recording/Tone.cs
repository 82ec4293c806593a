namespace Gateway.Media.Tests.Recording;

/// <summary>Test tones: a sine to encode, and which of some candidate frequencies dominates a signal (Goertzel).</summary>
internal static class Tone
{
    public static void Fill(Span<short> destination, int rate, int hz, int firstSample, double amplitude = 8000)
    {
        for (int i = 0; i < destination.Length; i++)
            destination[i] = (short)(amplitude * Math.Sin(2 * Math.PI * hz * (firstSample + i) / rate));
    }

    public static int Dominant(ReadOnlySpan<short> samples, int rate, int[] candidates)
    {
        int best = 0;
        double bestPower = -1;
        foreach (var hz in candidates)
        {
            double power = Power(samples, rate, hz);
            if (power > bestPower) (best, bestPower) = (hz, power);
        }
        return best;
    }

    public static double Rms(ReadOnlySpan<short> samples)
    {
        if (samples.IsEmpty) return 0;
        double sum = 0;
        foreach (var s in samples) sum += (double)s * s;
        return Math.Sqrt(sum / samples.Length);
    }

    private static double Power(ReadOnlySpan<short> samples, int rate, int hz)
    {
        double coefficient = 2 * Math.Cos(2 * Math.PI * hz / rate), s1 = 0, s2 = 0;
        foreach (var x in samples)
        {
            double s0 = x + coefficient * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        return s1 * s1 + s2 * s2 - coefficient * s1 * s2;
    }
}
