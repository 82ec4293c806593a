using Gateway.Media.Transcoding;
using Xunit;

namespace Gateway.Media.Tests.Transcoding;

public sealed class JitterBufferTests
{
    private const uint Ssrc = 0x1234;

    private static byte[] Packet(ushort seq) => [0x80, 111, (byte)(seq >> 8), (byte)seq, 0, 0, 0, 0, 0, 0, 0x12, 0x34, (byte)seq];

    private static List<string> Drain(JitterBuffer buffer)
    {
        var taken = new List<string>();
        while (true)
        {
            var take = buffer.TryTake(out var packet);
            if (take == JitterTake.None) return taken;
            taken.Add(take == JitterTake.Lost ? "lost" : packet[^1].ToString());
        }
    }

    [Fact]
    public void In_order_packets_come_out_at_once()
    {
        var buffer = new JitterBuffer();
        for (ushort s = 10; s < 13; s++)
        {
            buffer.Insert(Packet(s), s, Ssrc);
            Assert.Equal([s.ToString()], Drain(buffer));
        }
    }

    [Fact]
    public void A_reordered_packet_is_put_back_in_place()
    {
        var buffer = new JitterBuffer();
        buffer.Insert(Packet(1), 1, Ssrc);
        Assert.Equal(["1"], Drain(buffer));
        buffer.Insert(Packet(3), 3, Ssrc);
        Assert.Empty(Drain(buffer)); // 2 is awaited
        buffer.Insert(Packet(2), 2, Ssrc);
        Assert.Equal(["2", "3"], Drain(buffer));
        Assert.Equal(1, buffer.Reordered);
        Assert.Equal(0, buffer.Lost);
    }

    [Fact]
    public void A_missing_packet_is_given_up_after_the_maximum_delay_and_the_next_one_is_peekable()
    {
        var buffer = new JitterBuffer(maxDelayPackets: 2);
        buffer.Insert(Packet(1), 1, Ssrc);
        Drain(buffer);
        buffer.Insert(Packet(3), 3, Ssrc);
        Assert.Empty(Drain(buffer));
        buffer.Insert(Packet(4), 4, Ssrc);
        Assert.Equal(JitterTake.Lost, buffer.TryTake(out _));
        Assert.Equal(3, buffer.PeekNext()[^1]); // the FEC carrier
        Assert.Equal(["3", "4"], Drain(buffer));
        Assert.Equal(1, buffer.Lost);
    }

    [Fact]
    public void Late_and_duplicate_packets_are_dropped()
    {
        var buffer = new JitterBuffer();
        buffer.Insert(Packet(5), 5, Ssrc);
        buffer.Insert(Packet(6), 6, Ssrc);
        Assert.Equal(JitterInsert.Duplicate, buffer.Insert(Packet(6), 6, Ssrc));
        Drain(buffer);
        Assert.Equal(JitterInsert.Late, buffer.Insert(Packet(4), 4, Ssrc));
        Assert.Equal(JitterInsert.Late, buffer.Insert(Packet(6), 6, Ssrc));
    }

    [Fact]
    public void A_jump_far_ahead_or_a_new_source_restarts_and_the_buffer_stays_bounded()
    {
        var buffer = new JitterBuffer();
        buffer.Insert(Packet(1), 1, Ssrc);
        buffer.Insert(Packet(3), 3, Ssrc); // 2 missing, 3 waiting
        buffer.Insert(Packet(1000), 1000, Ssrc);
        Assert.Equal(1, buffer.Restarts);
        Assert.Equal(1, buffer.Count);
        Assert.Equal(["232"], Drain(buffer)); // 1000 & 0xFF
        buffer.Insert(Packet(7), 7, 0x9999);
        Assert.Equal(["7"], Drain(buffer));
        for (ushort s = 9; s < 9 + 40; s++) buffer.Insert(Packet(s), s, 0x9999);
        Assert.True(buffer.Count <= JitterBuffer.Capacity);
    }

    [Fact]
    public void Sequence_numbers_wrap()
    {
        var buffer = new JitterBuffer();
        buffer.Insert(Packet(65535), 65535, Ssrc);
        buffer.Insert(Packet(1), 1, Ssrc);
        buffer.Insert(Packet(0), 0, Ssrc);
        Assert.Equal(["255", "0", "1"], Drain(buffer));
    }
}
