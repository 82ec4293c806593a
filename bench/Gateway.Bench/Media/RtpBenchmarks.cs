using BenchmarkDotNet.Attributes;
using Gateway.Media.Rtp;

namespace Gateway.Bench.Media;

/// <summary>Header parse and bridge rewrite of a 20 ms PCMU packet with a one-byte extension (audio level).</summary>
[MemoryDiagnoser]
public class RtpBenchmarks
{
    private readonly byte[] _packet = new byte[12 + 8 + 160];
    private readonly RtpRewriter _rewriter = new(0xCAFEBABE);
    private ushort _seq;

    [GlobalSetup]
    public void Setup()
    {
        int n = RtpHeaderWriter.Write(_packet, 0, 1, 160, 0x11223344);
        RtpHeaderWriter.AppendOneByteExtension(_packet, n, 1, [0x80]);
        _rewriter.MapPayloadType(0, 0);
    }

    [Benchmark(Baseline = true)]
    public int ParseHeader() => RtpHeader.TryParse(_packet, out var h, out _) == RtpError.None ? h.Payload.Length : -1;

    [Benchmark]
    public bool ParseAndRewrite()
    {
        _packet[2] = (byte)(_seq >> 8); _packet[3] = (byte)_seq++;
        return _rewriter.Rewrite(_packet);
    }
}
