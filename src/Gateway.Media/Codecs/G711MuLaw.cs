using System.Numerics;

namespace Gateway.Media.Codecs;

/// <summary>
/// ITU-T G.711 µ-law (PCMU, RTP PT 0): 8 segments of 16 steps over a biased 14-bit magnitude;
/// code = ~(sign | segment &lt;&lt; 4 | mantissa). Encoding is bit logic, decoding a 256-entry table.
/// </summary>
public static class G711MuLaw
{
    private const int Bias = 0x84;
    private const int Clip = 32635;
    private static readonly short[] DecodeTable = BuildDecodeTable();

    public static byte Encode(short sample)
    {
        int pcm = sample;
        int sign = 0;
        if (pcm < 0) { pcm = -pcm; sign = 0x80; }
        if (pcm > Clip) pcm = Clip;
        pcm += Bias;
        int exponent = BitOperations.Log2((uint)pcm) - 7; // pcm in [0x84, 0x7FFF] -> 0..7
        int mantissa = (pcm >> (exponent + 3)) & 0x0F;
        return (byte)~(sign | (exponent << 4) | mantissa);
    }

    public static short Decode(byte code) => DecodeTable[code];

    /// <summary>Encodes a frame; <paramref name="destination"/> must be at least as long as <paramref name="samples"/>.</summary>
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
            int u = ~c & 0xFF;
            int exponent = (u >> 4) & 0x07;
            int magnitude = ((((u & 0x0F) << 3) + Bias) << exponent) - Bias;
            t[c] = (short)((u & 0x80) != 0 ? -magnitude : magnitude);
        }
        return t;
    }
}
