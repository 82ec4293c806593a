using Gateway.Media.Codecs;
using Gateway.Media.Conference;
using Gateway.Media.Rtp;
using Gateway.Media.Tests.Transcoding;
using Gateway.Media.Transcoding;

namespace Gateway.Media.Tests.Conference;

/// <summary>
/// A room driven by hand: each participant is a G.711 (or G.722, Opus) leg that sends one 20 ms RTP frame of its own
/// sine per tick and keeps what the room sends it, decoded back to PCM for measuring.
/// </summary>
internal sealed class ConferenceHarness
{
    public static readonly OpusCodecProvider Opus = new();

    public ConferenceHarness(ConferenceOptions? options = null, TimeProvider? time = null, bool runTimers = false) =>
        Rooms = new ConferenceRooms(options ?? new ConferenceOptions { Tones = false }, Opus, time, runTimers: runTimers);

    public ConferenceRooms Rooms { get; }

    public Leg Join(string room, double hz, AudioCodec codec = AudioCodec.Pcmu)
    {
        var leg = new Leg(codec, hz);
        var error = Rooms.Join(room, leg.Codec, leg, leg.Digits.Add, (uint)Random.Shared.Next(), out var participant);
        Assert.Equal(ConferenceError.None, error);
        leg.Participant = participant!;
        return leg;
    }

    /// <summary>Every leg sends a frame, then the room mixes once; <paramref name="ticks"/> times.</summary>
    public static void Run(ConferenceRoom room, IEnumerable<Leg> legs, int ticks)
    {
        for (int t = 0; t < ticks; t++)
        {
            foreach (var leg in legs) leg.SendFrame();
            room.Mix();
        }
    }

    internal sealed class Leg : IConferenceOutput
    {
        private readonly IAudioFrameEncoder _encoder;
        private readonly IAudioFrameDecoder _decoder;
        private readonly short[] _decoded = new short[OpusFrameDecoder.MaxFrameSamples];
        private ushort _sequence;
        private uint _timestamp;
        private int _phase;

        public Leg(AudioCodec codec, double hz)
        {
            Hz = hz;
            Codec = new ConferenceCodec(codec, codec switch { AudioCodec.Pcmu => 0, AudioCodec.Pcma => 8, AudioCodec.G722 => 9, _ => 111 }, 101);
            _encoder = codec == AudioCodec.Opus ? new OpusFrameEncoder(Opus.CreateEncoder()) : TranscodingPaths.NarrowbandCodec(codec);
            _decoder = codec == AudioCodec.Opus ? new OpusFrameDecoder(Opus.CreateDecoder()) : (IAudioFrameDecoder)TranscodingPaths.NarrowbandCodec(codec);
        }

        public ConferenceCodec Codec { get; }
        public double Hz { get; }
        public int Rate => _decoder.SampleRate;
        public ConferenceParticipant Participant { get; set; } = null!;
        public List<char> Digits { get; } = [];
        public List<short> Heard { get; } = [];
        public List<byte[]> Packets { get; } = [];
        public bool Silent { get; set; }

        public void SendFrame()
        {
            var pcm = Silent ? new short[_encoder.FrameSamples] : Tone.Sine(_encoder.SampleRate, Hz, _encoder.FrameSamples, 6000, _phase);
            _phase += _encoder.FrameSamples;
            var packet = new byte[12 + OpusFrameEncoder.MaxPacket];
            int n = _encoder.Encode(pcm, packet.AsSpan(12));
            RtpHeaderWriter.Write(packet, Codec.PayloadType, _sequence++, _timestamp, 0x1234);
            _timestamp += _encoder.TimestampStep;
            Assert.True(Participant.Push(packet.AsSpan(0, 12 + n)));
        }

        public void SendDigit(byte ev, uint timestamp)
        {
            var payload = new byte[] { ev, 0x80 | 10, 0x03, 0x20 }; // end, 800 units
            var packet = new byte[16];
            RtpHeaderWriter.Write(packet, 101, _sequence++, timestamp, 0x1234);
            payload.CopyTo(packet, 12);
            Participant.Push(packet);
        }

        public bool Send(byte[] buffer, int length)
        {
            var packet = buffer.AsSpan(0, length).ToArray();
            Packets.Add(packet);
            Assert.Equal(RtpError.None, RtpHeader.TryParse(packet, out var header, out _));
            int n = _decoder.Decode(header.Payload, _decoded);
            Heard.AddRange(_decoded.AsSpan(0, n).ToArray());
            return true;
        }

        /// <summary>Level of <paramref name="hz"/> over the last <paramref name="ms"/> heard (skips filter and codec start-up).</summary>
        public double LevelOf(double hz, int ms = 200)
        {
            int n = Math.Min(Heard.Count, Rate * ms / 1000);
            return Tone.RmsAt(Heard.ToArray().AsSpan(Heard.Count - n), Rate, hz);
        }

        public void ClearHeard() => Heard.Clear();
    }
}
