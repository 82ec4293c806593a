namespace Gateway.Media.Conference;

/// <summary>
/// The room's cues, made once per room at its rate: a rising pair of 100 ms tones (440 then 660 Hz) when someone joins,
/// a falling pair (660 then 440 Hz) when someone leaves, at about -18 dBFS with 5 ms ramps so they do not click.
/// </summary>
internal static class ConferenceTones
{
    private const double Amplitude = 4000;

    public static short[] Join(int rate) => Pair(rate, 440, 660);

    public static short[] Leave(int rate) => Pair(rate, 660, 440);

    private static short[] Pair(int rate, double first, double second)
    {
        int each = rate / 10, ramp = rate / 200;
        var pcm = new short[2 * each];
        for (int i = 0; i < pcm.Length; i++)
        {
            int k = i % each;
            double gain = Math.Min(1, Math.Min(k, each - 1 - k) / (double)ramp);
            double hz = i < each ? first : second;
            pcm[i] = (short)Math.Round(Amplitude * gain * Math.Sin(2 * Math.PI * hz * k / rate));
        }
        return pcm;
    }
}
