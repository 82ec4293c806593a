namespace Gateway.Media.Codecs;

/// <summary>
/// ITU-T G.711 A-law (PCMA, RTP PT 8): 13-bit magnitude in 8 segments, even bits inverted (xor 0x55).
/// Encoding is bit logic, decoding a 256-entry table.
/// </summary>
public static class G711ALaw
{
    private static readonly short[] DecodeTable = BuildDecodeTable();

    public static byte Encode(short sample)
    {
        int pcm = sample;
        int mask;
        if (pcm >= 0) mask = 0xD5; // sign bit set for positive values
        else { mask = 0x55; pcm = -pcm - 1; }
        int m = pcm >> 3; // 13-bit domain: 0..4095
        // Segment ends are 0x1F, 0x3F, ... 0xFFF: segment = floor(log2(m)) - 4 above the first (m <= 4095, so at most 7).
        int segment = m <= 0x1F ? 0 : System.Numerics.BitOperations.Log2((uint)m) - 4;
        int code = segment << 4;
        code |= segment < 2 ? (m >> 1) & 0x0F : (m >> segment) & 0x0F;
        return (byte)(code ^ mask);
    }

    public static short Decode(byte code) => DecodeTable[code];

    public static void Encode(ReadOnlySpan<short> samples, Span<byte> destination)
    {
        if (destination.Length < samples.Length) throw new ArgumentException("destination too small", nameof(destination));
        for (int i = 0; i < samples.Length; i++) destination[i] = Encode(samples[i]);
    }

    public static void Decode(ReadOnlySpan<byte> codes, Span<short> destination)
    {
        if (destination.Length < codes.Length) throw new ArgumentException("destination too small", nameof(destination));
        var table = DecodeTable;
        for (int i = 0; i < codes.Length; i++) destination[i] = table[codes[i]];
    }

    private static short[] BuildDecodeTable()
    {
        var t = new short[256];
        for (int c = 0; c < 256; c++)
        {
            int a = c ^ 0x55;
            int magnitude = (a & 0x0F) << 4;
            int segment = (a & 0x70) >> 4;
            magnitude += segment == 0 ? 8 : 0x108;
            if (segment > 1) magnitude <<= segment - 1;
            t[c] = (short)((a & 0x80) != 0 ? magnitude : -magnitude);
        }
        return t;
    }
}
