using Gateway.Media.Rtp;
using Gateway.Media.Transcoding;

namespace Gateway.Media.Conference;

/// <summary>
/// One leg in a room. Its leg's receive thread calls <see cref="Push"/>; the room's mix thread reads its frame and sends
/// it its mix under its own SSRC, numbering and timestamps (RFC 3550 §7.1: the mixer is the source of what it sends).
/// <see cref="Muted"/> takes its audio out of the others' mix (it still hears them). Leave through
/// <see cref="ConferenceRooms.Leave"/>.
/// </summary>
public sealed class ConferenceParticipant
{
    private readonly IConferenceOutput _output;
    private readonly byte[] _packet = new byte[RtpHeader.FixedLength + OpusFrameEncoder.MaxPacket + 64]; // + SRTP tag
    private ushort _sequence = (ushort)Random.Shared.Next(0, 65536);
    private uint _timestamp = (uint)Random.Shared.Next();
    private volatile bool _muted;

    internal ConferenceParticipant(ConferenceRoom room, ConferenceCodec codec, ConferenceInput input, ConferenceEncoder own,
        IConferenceOutput output, uint ssrc)
    {
        Room = room;
        Codec = codec;
        Input = input;
        Own = own;
        _output = output;
        Ssrc = ssrc;
        Frame = new short[room.FrameSamples];
    }

    public ConferenceRoom Room { get; }
    public ConferenceCodec Codec { get; }
    public uint Ssrc { get; }
    internal ConferenceInput Input { get; }
    internal ConferenceEncoder Own { get; }
    /// <summary>This tick's input frame at the room's rate (mix thread only).</summary>
    internal short[] Frame { get; }
    internal bool HasFrame, MutedThisTick;
    internal bool Left;
    public long PacketsSent;

    public bool Muted
    {
        get => _muted;
        set => _muted = value;
    }

    /// <summary>An RTP packet from the participant's leg (any thread, one at a time); false when it is not usable.</summary>
    public bool Push(ReadOnlySpan<byte> rtp) => Input.Push(rtp);

    /// <summary>Mix thread: one RTP packet carrying <paramref name="encoder"/>'s payload of this tick.</summary>
    internal void Send(ConferenceEncoder encoder)
    {
        int header = RtpHeaderWriter.Write(_packet, Codec.PayloadType, _sequence, _timestamp, Ssrc, marker: PacketsSent == 0);
        _timestamp += encoder.TimestampStep;
        if (encoder.Length <= 0) return;
        encoder.Payload.CopyTo(_packet.AsSpan(header));
        _sequence++;
        if (_output.Send(_packet, header + encoder.Length)) PacketsSent++;
    }
}
