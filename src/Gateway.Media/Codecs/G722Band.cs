namespace Gateway.Media.Codecs;

/// <summary>
/// State of one G.722 sub-band ADPCM (ITU-T G.722 §3.6/§6.2): scale factor, pole/zero predictor and
/// the signals it needs. <see cref="Update"/> runs blocks RECONS, PARREC, UPPOL2, UPPOL1, UPZERO, DELAYA,
/// FILTEP, FILTEZ and PREDIC.
/// </summary>
internal struct G722Band
{
    public int S;       // predicted signal
    public int Sp;      // pole section output
    public int Sz;      // zero section output
    public int Det;     // quantiser scale factor
    public int Nb;      // log scale factor
    private int _a1, _a2;
    private int _r1, _r2;
    private int _p1, _p2;
    private int _b1, _b2, _b3, _b4, _b5, _b6;
    private int _d1, _d2, _d3, _d4, _d5, _d6;

    public static G722Band Create(int det) => new() { Det = det };

    private static int Sat(int v) => v > short.MaxValue ? short.MaxValue : v < short.MinValue ? short.MinValue : v;

    /// <summary>Feeds the quantised difference <paramref name="d"/> through the adaptive predictor.</summary>
    public void Update(int d)
    {
        int r = Sat(S + d);   // RECONS
        int p = Sat(Sz + d);  // PARREC

        // UPPOL2
        int sg0 = p >> 15, sg1 = _p1 >> 15, sg2 = _p2 >> 15;
        int wd1 = Sat(_a1 << 2);
        int wd2 = sg0 == sg1 ? -wd1 : wd1;
        if (wd2 > 32767) wd2 = 32767;
        int wd3 = (sg0 == sg2 ? 128 : -128) + (wd2 >> 7) + ((_a2 * 32512) >> 15);
        int ap2 = Math.Clamp(wd3, -12288, 12288);

        // UPPOL1
        int ap1 = Sat((sg0 == sg1 ? 192 : -192) + ((_a1 * 32640) >> 15));
        int lim = Sat(15360 - ap2);
        ap1 = Math.Clamp(ap1, -lim, lim);

        // UPZERO
        int step = d == 0 ? 0 : 128;
        int sgd = d >> 15;
        _b1 = Sat((sgd == _d1 >> 15 ? step : -step) + ((_b1 * 32640) >> 15));
        _b2 = Sat((sgd == _d2 >> 15 ? step : -step) + ((_b2 * 32640) >> 15));
        _b3 = Sat((sgd == _d3 >> 15 ? step : -step) + ((_b3 * 32640) >> 15));
        _b4 = Sat((sgd == _d4 >> 15 ? step : -step) + ((_b4 * 32640) >> 15));
        _b5 = Sat((sgd == _d5 >> 15 ? step : -step) + ((_b5 * 32640) >> 15));
        _b6 = Sat((sgd == _d6 >> 15 ? step : -step) + ((_b6 * 32640) >> 15));

        // DELAYA
        _d6 = _d5; _d5 = _d4; _d4 = _d3; _d3 = _d2; _d2 = _d1; _d1 = d;
        _r2 = _r1; _r1 = r;
        _p2 = _p1; _p1 = p;
        _a1 = ap1; _a2 = ap2;

        // FILTEP
        Sp = Sat(((_a1 * Sat(_r1 + _r1)) >> 15) + ((_a2 * Sat(_r2 + _r2)) >> 15));
        // FILTEZ
        int sz = ((_b1 * Sat(_d1 + _d1)) >> 15) + ((_b2 * Sat(_d2 + _d2)) >> 15) + ((_b3 * Sat(_d3 + _d3)) >> 15)
               + ((_b4 * Sat(_d4 + _d4)) >> 15) + ((_b5 * Sat(_d5 + _d5)) >> 15) + ((_b6 * Sat(_d6 + _d6)) >> 15);
        Sz = Sat(sz);
        // PREDIC
        S = Sat(Sp + Sz);
    }
}
