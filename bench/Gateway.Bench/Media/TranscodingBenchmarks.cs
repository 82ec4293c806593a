using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Gateway.Media.Bridge;
using Gateway.Media.Codecs;
using Gateway.Media.Rtp;
using Gateway.Media.Transcoding;

namespace Gateway.Bench.Media;

/// <summary>
/// One transcoded 20 ms packet each way through a <see cref="TranscodingPath"/> (jitter buffer, decode, resample, encode,
/// RTP header): browser Opus -> PCMU toward the trunk, and trunk PCMU -> Opus toward the browser, with native libopus
/// (Auto, when it loads) and the managed Concentus port. No sockets or SRTP: BridgeBenchmarks measures those.
/// A call's CPU per second is 50 x (WebToSip + SipToWeb).
/// </summary>
[MemoryDiagnoser]
public class TranscodingBenchmarks
{
    private const int Frames = 50; // one second of distinct audio, looped
    private TranscodingPath _webToSip = null!, _sipToWeb = null!;
    private byte[][] _opus = null!, _pcmu = null!;
    private readonly byte[] _output = new byte[1500];
    private ushort _webSeq, _sipSeq;

    [Params(OpusLibrary.Auto, OpusLibrary.Managed)]
    public OpusLibrary Library { get; set; }

    [Params(OpusCodecProvider.DefaultComplexity)]
    public int Complexity { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var provider = new OpusCodecProvider(Library, Complexity);
        Console.WriteLine($"// Opus backend: {provider.Backend} ({provider.Version}), complexity {provider.Complexity}");
        var mapping = MediaCodecMapping.Between("opus", 111, 48000, 110, "PCMU", 0, 8000, 101);
        (_webToSip, _sipToWeb) = TranscodingPaths.Create(provider, mapping, mapping.Transcoding!, 0x5151, 0x7777);

        // Speech-like input: two drifting tones and some noise, so the encoder is not coding a trivial signal.
        var random = new Random(1);
        var encoder = new OpusFrameEncoder(provider.CreateEncoder());
        var pcm48 = new short[960];
        var pcm8 = new short[160];
        var payload = new byte[OpusFrameEncoder.MaxPacket];
        _opus = new byte[Frames][];
        _pcmu = new byte[Frames][];
        for (int f = 0; f < Frames; f++)
        {
            for (int i = 0; i < 960; i++)
            {
                double t = (f * 960 + i) / 48000.0;
                pcm48[i] = (short)(6000 * Math.Sin(2 * Math.PI * (300 + 200 * Math.Sin(t)) * t) + 3000 * Math.Sin(2 * Math.PI * 1200 * t) + random.Next(-500, 500));
                if (i % 6 == 0) pcm8[i / 6] = pcm48[i];
            }
            int n = encoder.Encode(pcm48, payload);
            _opus[f] = Packet(111, payload.AsSpan(0, n));
            var g711 = new byte[160];
            G711MuLaw.Encode(pcm8, g711);
            _pcmu[f] = Packet(0, g711);
        }
    }

    private static byte[] Packet(byte pt, ReadOnlySpan<byte> payload)
    {
        var packet = new byte[12 + payload.Length];
        RtpHeaderWriter.Write(packet, pt, 0, 0, 0x0B0B0B0B);
        payload.CopyTo(packet.AsSpan(12));
        return packet;
    }

    /// <summary>Browser Opus packet -> decode 48 kHz -> 8 kHz -> PCMU packet.</summary>
    [Benchmark]
    public int WebToSip()
    {
        var packet = _opus[_webSeq % Frames];
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), _webSeq);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), (uint)_webSeq * 960);
        _webSeq++;
        _webToSip.Push(packet);
        int total = 0;
        for (int n; (n = _webToSip.Produce(_output)) > 0;) total += n;
        return total;
    }

    /// <summary>Trunk PCMU packet -> decode 8 kHz -> 48 kHz -> Opus packet.</summary>
    [Benchmark]
    public int SipToWeb()
    {
        var packet = _pcmu[_sipSeq % Frames];
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), _sipSeq);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), (uint)_sipSeq * 160);
        _sipSeq++;
        _sipToWeb.Push(packet);
        int total = 0;
        for (int n; (n = _sipToWeb.Produce(_output)) > 0;) total += n;
        return total;
    }
}
