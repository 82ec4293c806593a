using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Gateway.Media.Codecs;
using Gateway.Media.Conference;
using Gateway.Media.Rtp;
using Gateway.Media.Transcoding;

namespace Gateway.Bench.Media;

/// <summary>
/// One 20 ms tick of a 50-participant room at 16 kHz, half G.711 (PCMU) and half Opus, everyone talking (the worst case:
/// 50 mix-minus encodes, no shared one): each participant's packet pushed (decoded, resampled into its ring), then the
/// mix (sum, mix-minus, encode, RTP header, send to a sink). The tick must take under 20 ms for the room to run in real
/// time on one core; participants per core = 50 x 20 ms / the tick's time.
/// </summary>
[MemoryDiagnoser]
public class ConferenceBenchmarks
{
    private const int Participants = 50, Frames = 50;
    private ConferenceRoom _room = null!;
    private ConferenceParticipant[] _participants = null!;
    private byte[][][] _packets = null!; // [participant][frame]
    private ushort _sequence;
    private uint _timestamp;
    private int _frame;

    [Params(OpusLibrary.Auto, OpusLibrary.Managed)]
    public OpusLibrary Library { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var opus = new OpusCodecProvider(Library);
        Console.WriteLine($"// Opus backend: {opus.Backend} ({opus.Version}), complexity {opus.Complexity}");
        var rooms = new ConferenceRooms(new ConferenceOptions { SampleRate = 16000, Tones = false }, opus, runTimers: false);
        var sink = new Sink();
        _participants = new ConferenceParticipant[Participants];
        _packets = new byte[Participants][][];
        var opusEncoder = new OpusFrameEncoder(opus.CreateEncoder());
        var pcmu = TranscodingPaths.NarrowbandCodec(AudioCodec.Pcmu);
        for (int p = 0; p < Participants; p++)
        {
            bool isOpus = p % 2 == 1;
            var codec = new ConferenceCodec(isOpus ? AudioCodec.Opus : AudioCodec.Pcmu, (byte)(isOpus ? 111 : 0));
            rooms.Join("bench", codec, sink, null, (uint)(p + 1), out var participant);
            _participants[p] = participant!;
            IAudioFrameEncoder encoder = isOpus ? opusEncoder : pcmu;
            _packets[p] = new byte[Frames][];
            for (int f = 0; f < Frames; f++)
            {
                var pcm = new short[encoder.FrameSamples];
                for (int i = 0; i < pcm.Length; i++) // a tone of its own per participant, with a drift
                    pcm[i] = (short)(4000 * Math.Sin(2 * Math.PI * (200 + 37 * p) * (f * pcm.Length + i) / encoder.SampleRate));
                var packet = new byte[RtpHeader.FixedLength + OpusFrameEncoder.MaxPacket];
                int n = encoder.Encode(pcm, packet.AsSpan(RtpHeader.FixedLength));
                RtpHeaderWriter.Write(packet, codec.PayloadType, 0, 0, 0x1000u + (uint)p);
                _packets[p][f] = packet[..(RtpHeader.FixedLength + n)];
            }
        }
        _room = rooms.Find("bench")!;
    }

    [Benchmark(Description = "50-party tick (25 PCMU + 25 Opus, all talking)")]
    public void Tick()
    {
        int frame = _frame++ % Frames;
        _sequence++;
        for (int p = 0; p < _participants.Length; p++)
        {
            var packet = _packets[p][frame];
            bool isOpus = p % 2 == 1;
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), _sequence);
            BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), isOpus ? _timestamp * 6 : _timestamp);
            _participants[p].Push(packet);
        }
        _timestamp += 160;
        _room.Mix();
    }

    private sealed class Sink : IConferenceOutput
    {
        public bool Send(byte[] buffer, int length) => length > 0;
    }
}
