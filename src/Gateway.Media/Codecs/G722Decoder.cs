namespace Gateway.Media.Codecs;

/// <summary>ITU-T G.722 decoder, 64 kbit/s mode: SB-ADPCM sub-band decoding then the receive QMF (§4). One per stream.</summary>
public sealed class G722Decoder
{
    private readonly int[] _x = new int[24];
    private G722Band _low = G722Band.Create(32);
    private G722Band _high = G722Band.Create(8);

    /// <summary>Decodes bytes into 16 kHz PCM; returns samples written (2 per byte).</summary>
    public int Decode(ReadOnlySpan<byte> coded, Span<short> destination)
    {
        if (destination.Length < coded.Length * 2) throw new ArgumentException("destination too small", nameof(destination));
        var qmf = G722Tables.Qmf;
        var x = _x;
        int o = 0;
        foreach (byte code in coded)
        {
            int rlow = DecodeLow(code & 0x3F);
            int rhigh = DecodeHigh(code >> 6);
            // Receive QMF (§4.4)
            Array.Copy(x, 2, x, 0, 22);
            x[22] = rlow + rhigh;
            x[23] = rlow - rhigh;
            int out1 = 0, out2 = 0;
            for (int i = 0; i < 12; i++)
            {
                out2 += x[2 * i] * qmf[i];
                out1 += x[2 * i + 1] * qmf[11 - i];
            }
            destination[o++] = Sat(out1 >> 11);
            destination[o++] = Sat(out2 >> 11);
        }
        return o;
    }

    private int DecodeLow(int il)
    {
        // INVQBL with the 6-bit table for output, 4-bit table for the predictor (§4.2)
        int dl = (_low.Det * G722Tables.Qm6[il]) >> 15;
        int rl = Math.Clamp(_low.S + dl, -16384, 16383);
        int ril = il >> 2;
        int dlt = (_low.Det * G722Tables.Qm4[ril]) >> 15;
        G722Tables.AdaptScale(ref _low, G722Tables.Wl[G722Tables.Rl42[ril]], 18432, 8);
        _low.Update(dlt);
        return rl;
    }

    private int DecodeHigh(int ih)
    {
        int dh = (_high.Det * G722Tables.Qm2[ih]) >> 15;
        int rh = Math.Clamp(_high.S + dh, -16384, 16383);
        G722Tables.AdaptScale(ref _high, G722Tables.Wh[G722Tables.Rh2[ih]], 22528, 10);
        _high.Update(dh);
        return rh;
    }

    private static short Sat(int v) => (short)Math.Clamp(v, short.MinValue, short.MaxValue);
}
