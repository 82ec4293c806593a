using BenchmarkDotNet.Attributes;
using Gateway.Media.Codecs;

namespace Gateway.Bench.Media;

/// <summary>G.711 encode/decode of one 20 ms frame (160 samples at 8 kHz).</summary>
[MemoryDiagnoser]
public class CodecsBenchmarks
{
    private readonly short[] _pcm = new short[160];
    private readonly byte[] _coded = new byte[160];

    [GlobalSetup]
    public void Setup()
    {
        for (int i = 0; i < _pcm.Length; i++) _pcm[i] = (short)(Math.Sin(i * 2 * Math.PI * 440 / 8000) * 12000);
        G711MuLaw.Encode(_pcm, _coded);
    }

    [Benchmark(Baseline = true)]
    public void MuLawEncode160() => G711MuLaw.Encode(_pcm, _coded);

    [Benchmark]
    public void ALawEncode160() => G711ALaw.Encode(_pcm, _coded);

    [Benchmark]
    public void MuLawDecode160() => G711MuLaw.Decode(_coded, _pcm);
}
