namespace Gateway.Media.Codecs;

/// <summary>
/// ITU-T G.722 encoder, 64 kbit/s mode: a 24-tap QMF splits 16 kHz PCM into two 8 kHz sub-bands, coded
/// with 6-bit (low) and 2-bit (high) SB-ADPCM; each output byte is IH(2) | IL(6). One per stream.
/// </summary>
public sealed class G722Encoder
{
    private readonly int[] _x = new int[24];
    private G722Band _low = G722Band.Create(32);
    private G722Band _high = G722Band.Create(8);

    /// <summary>Encodes pairs of 16 kHz samples; returns bytes written (samples / 2).</summary>
    public int Encode(ReadOnlySpan<short> pcm16k, Span<byte> destination)
    {
        int n = pcm16k.Length / 2;
        if (destination.Length < n) throw new ArgumentException("destination too small", nameof(destination));
        var qmf = G722Tables.Qmf;
        var x = _x;
        for (int j = 0; j < n; j++)
        {
            // Transmit QMF (§3.2): shift in two samples, even/odd polyphase sums.
            Array.Copy(x, 2, x, 0, 22);
            x[22] = pcm16k[2 * j];
            x[23] = pcm16k[2 * j + 1];
            int sumOdd = 0, sumEven = 0;
            for (int i = 0; i < 12; i++)
            {
                sumOdd += x[2 * i] * qmf[i];
                sumEven += x[2 * i + 1] * qmf[11 - i];
            }
            int xlow = (sumEven + sumOdd) >> 14;
            int xhigh = (sumEven - sumOdd) >> 14;
            destination[j] = (byte)((EncodeHigh(xhigh) << 6) | EncodeLow(xlow));
        }
        return n;
    }

    private int EncodeLow(int xlow)
    {
        // SUBTRA, QUANTL (§3.3)
        int el = Math.Clamp(xlow - _low.S, short.MinValue, short.MaxValue);
        int wd = el >= 0 ? el : -(el + 1);
        var q6 = G722Tables.Q6;
        int mil = 1;
        for (; mil < 30; mil++)
            if (wd < (q6[mil] * _low.Det) >> 12) break;
        int il = el < 0 ? G722Tables.Iln[mil] : G722Tables.Ilp[mil];
        // INVQAL, LOGSCL, SCALEL, then the predictor (§3.4-3.6)
        int ril = il >> 2;
        int dlt = (_low.Det * G722Tables.Qm4[ril]) >> 15;
        G722Tables.AdaptScale(ref _low, G722Tables.Wl[G722Tables.Rl42[ril]], 18432, 8);
        _low.Update(dlt);
        return il;
    }

    private int EncodeHigh(int xhigh)
    {
        int eh = Math.Clamp(xhigh - _high.S, short.MinValue, short.MaxValue);
        int wd = eh >= 0 ? eh : -(eh + 1);
        int mih = wd >= (564 * _high.Det) >> 12 ? 2 : 1;
        int ih = eh < 0 ? G722Tables.Ihn[mih] : G722Tables.Ihp[mih];
        int dh = (_high.Det * G722Tables.Qm2[ih]) >> 15;
        G722Tables.AdaptScale(ref _high, G722Tables.Wh[G722Tables.Rh2[ih]], 22528, 10);
        _high.Update(dh);
        return ih;
    }
}
