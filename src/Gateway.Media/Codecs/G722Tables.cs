namespace Gateway.Media.Codecs;

/// <summary>Quantiser, scale-factor and QMF tables of ITU-T G.722 (Tables 6-11, 13-14).</summary>
internal static class G722Tables
{
    // QMF half coefficients (h0..h11; the filter is symmetric), in the interleaved order used below.
    public static ReadOnlySpan<int> Qmf => [3, -11, 12, 32, -210, 951, 3876, -805, 362, -156, 53, -11];

    public static ReadOnlySpan<int> Q6 => [0, 35, 72, 110, 150, 190, 233, 276, 323, 370, 422, 473, 530, 587, 650, 714,
        786, 858, 940, 1023, 1121, 1219, 1339, 1458, 1612, 1765, 1980, 2195, 2557, 2919, 0, 0];
    public static ReadOnlySpan<int> Iln => [0, 63, 62, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15,
        14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 0];
    public static ReadOnlySpan<int> Ilp => [0, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43,
        42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32, 0];
    public static ReadOnlySpan<int> Qm4 => [0, -20456, -12896, -8968, -6288, -4240, -2584, -1200, 20456, 12896, 8968, 6288,
        4240, 2584, 1200, 0];
    public static ReadOnlySpan<int> Qm6 => [-136, -136, -136, -136, -24808, -21904, -19008, -16704, -14984, -13512, -12280,
        -11192, -10232, -9360, -8576, -7856, -7192, -6576, -6000, -5456, -4944, -4464, -4008, -3576, -3168, -2776, -2400,
        -2032, -1688, -1360, -1040, -728, 24808, 21904, 19008, 16704, 14984, 13512, 12280, 11192, 10232, 9360, 8576, 7856,
        7192, 6576, 6000, 5456, 4944, 4464, 4008, 3576, 3168, 2776, 2400, 2032, 1688, 1360, 1040, 728, 432, 136, -432, -136];
    public static ReadOnlySpan<int> Rl42 => [0, 7, 6, 5, 4, 3, 2, 1, 7, 6, 5, 4, 3, 2, 1, 0];
    public static ReadOnlySpan<int> Wl => [-60, -30, 58, 172, 334, 538, 1198, 3042];
    public static ReadOnlySpan<int> Ilb => [2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599, 2656,
        2714, 2774, 2834, 2896, 2960, 3025, 3091, 3158, 3228, 3298, 3371, 3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008];
    public static ReadOnlySpan<int> Ihn => [0, 1, 0];
    public static ReadOnlySpan<int> Ihp => [0, 3, 2];
    public static ReadOnlySpan<int> Qm2 => [-7408, -1616, 7408, 1616];
    public static ReadOnlySpan<int> Rh2 => [2, 1, 2, 1];
    public static ReadOnlySpan<int> Wh => [0, -214, 798];

    /// <summary>LOGSCL + SCALEL/SCALEH: adapt the log scale factor and derive the linear one.</summary>
    public static void AdaptScale(ref G722Band band, int weight, int nbMax, int shift)
    {
        int nb = ((band.Nb * 127) >> 7) + weight;
        band.Nb = Math.Clamp(nb, 0, nbMax);
        int wd1 = (band.Nb >> 6) & 31;
        int wd2 = shift - (band.Nb >> 11);
        int wd3 = wd2 < 0 ? Ilb[wd1] << -wd2 : Ilb[wd1] >> wd2;
        band.Det = wd3 << 2;
    }
}
