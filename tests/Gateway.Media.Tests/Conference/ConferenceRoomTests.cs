using Gateway.Media.Conference;
using Gateway.Media.Tests.Bridge;
using Gateway.Media.Transcoding;

namespace Gateway.Media.Tests.Conference;

public sealed class ConferenceRoomTests
{
    private const double Heard = 500, NotHeard = 150; // RMS of a 6000-peak sine is ~4240; a codec's leak stays far below 150

    [Fact]
    public void Each_participant_hears_the_others_and_never_itself()
    {
        var h = new ConferenceHarness();
        var legs = new[] { h.Join("r", 400), h.Join("r", 1000), h.Join("r", 1700, AudioCodec.Pcma) };
        ConferenceHarness.Run(legs[0].Participant.Room, legs, 25);
        foreach (var listener in legs)
            foreach (var speaker in legs)
            {
                double level = listener.LevelOf(speaker.Hz);
                if (speaker == listener) Assert.True(level < NotHeard, $"{listener.Hz} Hz hears itself at {level:F0}");
                else Assert.True(level > Heard, $"{listener.Hz} Hz hears {speaker.Hz} Hz at only {level:F0}");
            }
    }

    [Fact]
    public void Muting_removes_the_participants_tone_from_the_others_mix_and_unmuting_restores_it()
    {
        var h = new ConferenceHarness();
        var (a, b) = (h.Join("r", 400), h.Join("r", 1000));
        var room = a.Participant.Room;
        ConferenceHarness.Run(room, [a, b], 15);
        Assert.True(b.LevelOf(400) > Heard);
        a.Participant.Muted = true;
        ConferenceHarness.Run(room, [a, b], 15);
        Assert.True(b.LevelOf(400) < NotHeard, $"muted tone still heard at {b.LevelOf(400):F0}");
        Assert.True(a.LevelOf(1000) > Heard, "a muted participant still hears the room");
        a.Participant.Muted = false;
        ConferenceHarness.Run(room, [a, b], 15);
        Assert.True(b.LevelOf(400) > Heard);
    }

    [Fact]
    public void Participants_of_one_codec_hearing_the_full_mix_share_one_encode()
    {
        var h = new ConferenceHarness();
        var speakers = new[] { h.Join("r", 400), h.Join("r", 1000, AudioCodec.Opus) };
        var listeners = Enumerable.Range(0, 3).Select(_ => h.Join("r", 300)).Concat(Enumerable.Range(0, 2).Select(_ => h.Join("r", 300, AudioCodec.Opus))).ToList();
        foreach (var l in listeners) l.Participant.Muted = true;
        var room = speakers[0].Participant.Room;
        ConferenceHarness.Run(room, [.. speakers, .. listeners], 10);
        room.Encodes = 0;
        ConferenceHarness.Run(room, [.. speakers, .. listeners], 10);
        Assert.Equal(10 * (2 + 2), room.Encodes); // 2 own (speakers) + 1 shared PCMU + 1 shared Opus per tick
        // The three PCMU listeners got the same payload; each under its own SSRC and numbering.
        var payloads = listeners.Take(3).Select(l => Convert.ToHexString(l.Packets[^1].AsSpan(12))).Distinct();
        Assert.Single(payloads);
        Assert.Equal(3, listeners.Take(3).Select(l => l.Participant.Ssrc).Distinct().Count());
        foreach (var l in listeners) Assert.True(l.LevelOf(400) > Heard && l.LevelOf(1000) > Heard);
    }

    [Fact]
    public void Opus_and_G722_participants_are_decoded_and_encoded_in_their_own_codecs()
    {
        var h = new ConferenceHarness(new ConferenceOptions { SampleRate = 48000, Tones = false });
        var legs = new[] { h.Join("r", 400, AudioCodec.Opus), h.Join("r", 1000, AudioCodec.G722), h.Join("r", 2500, AudioCodec.Pcmu) };
        ConferenceHarness.Run(legs[0].Participant.Room, legs, 30);
        Assert.True(legs[0].LevelOf(1000) > Heard && legs[0].LevelOf(2500) > Heard && legs[0].LevelOf(400) < NotHeard);
        Assert.True(legs[1].LevelOf(400) > Heard && legs[1].LevelOf(2500) > Heard && legs[1].LevelOf(1000) < NotHeard);
        Assert.True(legs[2].LevelOf(400) > Heard && legs[2].LevelOf(1000) > Heard && legs[2].LevelOf(2500) < NotHeard);
        Assert.All(legs[0].Packets, p => Assert.Equal(111, p[1] & 0x7F));
        Assert.All(legs[1].Packets, p => Assert.Equal(9, p[1] & 0x7F));
    }

    [Fact]
    public void A_room_refuses_past_its_participant_limit_and_the_gateway_past_its_room_limit()
    {
        var h = new ConferenceHarness(new ConferenceOptions { MaxParticipants = 2, MaxRooms = 1, Tones = false });
        h.Join("r", 400);
        h.Join("r", 1000);
        var leg = new ConferenceHarness.Leg(AudioCodec.Pcmu, 300);
        Assert.Equal(ConferenceError.RoomFull, h.Rooms.Join("r", leg.Codec, leg, null, 1, out var none));
        Assert.Null(none);
        Assert.Equal(ConferenceError.TooManyRooms, h.Rooms.Join("other", leg.Codec, leg, null, 1, out _));
        Assert.Equal(ConferenceError.UnsupportedCodec, h.Rooms.Join("r", new ConferenceCodec(AudioCodec.Other, 18), leg, null, 1, out _));
        Assert.Equal(ConferenceError.BadRoomName, h.Rooms.Join("", leg.Codec, leg, null, 1, out _));
        Assert.Equal(2, h.Rooms.ParticipantCount);
    }

    [Fact]
    public void The_room_ends_with_its_last_participant_and_its_timer_stops()
    {
        var clock = new ManualClock();
        var h = new ConferenceHarness(time: clock, runTimers: true);
        var (a, b) = (h.Join("r", 400), h.Join("r", 1000));
        var room = a.Participant.Room;
        clock.Advance(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(1));
        Assert.Equal(5, room.Ticks); // one mix per 20 ms of the injected clock
        h.Rooms.Leave(a.Participant);
        Assert.Equal((1, 1), (h.Rooms.RoomCount, h.Rooms.ParticipantCount));
        h.Rooms.Leave(b.Participant);
        h.Rooms.Leave(b.Participant); // idempotent
        Assert.Equal((0, 0), (h.Rooms.RoomCount, h.Rooms.ParticipantCount));
        Assert.Null(h.Rooms.Find("r"));
        clock.Advance(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(1));
        Assert.Equal(5, room.Ticks);
        Assert.NotSame(room, h.Join("r", 400).Participant.Room); // the name opens a new room
    }

    [Fact]
    public void Join_and_leave_tones_are_played_to_the_room()
    {
        var h = new ConferenceHarness(new ConferenceOptions());
        var a = h.Join("r", 400);
        a.Silent = true;
        var room = a.Participant.Room;
        ConferenceHarness.Run(room, [a], 10); // the join tone, 440 then 660 Hz, 100 ms each
        Assert.True(Transcoding.Tone.RmsAt(a.Heard.ToArray().AsSpan(200, 400), 8000, 440) > Heard);
        Assert.True(Transcoding.Tone.RmsAt(a.Heard.ToArray().AsSpan(1000, 400), 8000, 660) > Heard);
        var b = h.Join("r", 1000);
        h.Rooms.Leave(b.Participant);
        a.ClearHeard();
        ConferenceHarness.Run(room, [a], 10);
        Assert.True(Transcoding.Tone.RmsAt(a.Heard.ToArray().AsSpan(1000, 400), 8000, 440) > Heard, "leave tone ends on 440 Hz");
    }

    [Fact]
    public void Rfc4733_digits_are_reported_once_and_not_mixed()
    {
        var h = new ConferenceHarness();
        var a = h.Join("r", 400);
        a.SendDigit(10, 1000); // *
        a.SendDigit(10, 1000); // its retransmitted end packet (RFC 4733 §2.5.1.4)
        a.SendDigit(6, 3000);
        Assert.Equal(['*', '6'], a.Digits);
    }

    [Fact]
    public void A_mix_tick_allocates_nothing()
    {
        var rooms = new ConferenceRooms(new ConferenceOptions(), ConferenceHarness.Opus, runTimers: false);
        var output = new CountingOutput();
        var codecs = new[] { new ConferenceCodec(AudioCodec.Pcmu, 0), new ConferenceCodec(AudioCodec.G722, 9), new ConferenceCodec(AudioCodec.Pcmu, 0) };
        var participants = codecs.Select(c => { rooms.Join("r", c, output, null, 7, out var p); return p!; }).ToArray();
        participants[2].Muted = true;
        var packets = participants.Select(p => Enumerable.Range(0, 200).Select(i => Packet(i, p.Codec.PayloadType)).ToArray()).ToArray();
        var room = participants[0].Room;
        for (int i = 0; i < 100; i++) { for (int k = 0; k < participants.Length; k++) Assert.True(participants[k].Push(packets[k][i])); room.Mix(); }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 100; i < 200; i++) { for (int k = 0; k < participants.Length; k++) Assert.True(participants[k].Push(packets[k][i])); room.Mix(); }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(600, output.Sent);
    }

    /// <summary>160 bytes of payload: a PCMU frame, or a G.722 one, to the same size.</summary>
    private static byte[] Packet(int i, byte pt)
    {
        var packet = new byte[12 + 160];
        Gateway.Media.Rtp.RtpHeaderWriter.Write(packet, pt, (ushort)i, (uint)(i * 160), 1);
        packet.AsSpan(12).Fill(0x55);
        return packet;
    }

    private sealed class CountingOutput : IConferenceOutput
    {
        public int Sent;
        public bool Send(byte[] buffer, int length) { Sent++; return true; }
    }
}
