using Gateway.Media.Codecs;
using Gateway.Media.Rtp;
using Xunit;

namespace Gateway.Media.Tests.Codecs;

/// <summary>RFC 4733 §2.5.1.3: events longer than the 16-bit duration field are sent as segments.</summary>
public sealed class DtmfLongEventTests
{
    private const uint Start = 0xFFFF_F000; // close to the 32-bit wrap: segment timestamps wrap modulo 2^32
    private const ushort FirstSequence = 65500;

    private sealed record Sent(ushort Sequence, uint Timestamp, bool Marker, TelephoneEvent Event);

    private static List<Sent> Train(DtmfSender sender, int durationMs)
    {
        var buf = new byte[64];
        var packets = new List<Sent>();
        for (int i = 0; i < sender.PacketCount(durationMs); i++)
        {
            int n = sender.WritePacket(buf, i, 7, durationMs, Start, FirstSequence);
            Assert.Equal(16, n);
            Assert.Equal(RtpError.None, RtpHeader.TryParse(buf.AsSpan(0, n), out var h, out _));
            Assert.True(TelephoneEvent.TryParse(h.Payload, out var ev));
            Assert.Equal(7, ev.Event);
            packets.Add(new Sent(h.SequenceNumber, h.Timestamp, h.Marker, ev));
        }
        return packets;
    }

    [Fact]
    public void TwoSecondsAt48kHz_IsTwoSegments()
    {
        var sender = new DtmfSender(101, 0xABCD, 48000);
        var packets = Train(sender, 2000); // 96,000 units: 0xFFFF in segment 0, 30,465 in segment 1
        Assert.Equal(100 + 2, packets.Count);
        for (int i = 0; i < packets.Count; i++)
        {
            var p = packets[i];
            Assert.Equal(unchecked((ushort)(FirstSequence + i)), p.Sequence);
            Assert.Equal(i == 0, p.Marker);
            if (i <= 68)
            {
                // Segment 0 at the event's timestamp; the packet that passes 0xFFFF reports exactly 0xFFFF, E clear.
                Assert.Equal(Start, p.Timestamp);
                Assert.Equal(i < 68 ? (i + 1) * 960 : 0xFFFF, p.Event.Duration);
                Assert.False(p.Event.End);
            }
            else
            {
                // Segment 1 starts where segment 0 ended (start + 0xFFFF) with the duration counted from there.
                Assert.Equal(unchecked(Start + 0xFFFF), p.Timestamp);
                Assert.Equal(Math.Min(i + 1, 100) * 960 - 0xFFFF, p.Event.Duration);
                Assert.Equal(i >= 99, p.Event.End); // E only on the final segment's last packet and its two copies
            }
        }
        Assert.Equal(96000, packets.GroupBy(p => p.Timestamp).Sum(g => (int)g.Max(p => p.Event.Duration)));
    }

    [Fact]
    public void LastIntervalCrossingTheLimit_GetsAPacketInTheNewSegment()
    {
        var sender = new DtmfSender(101, 1, 48000);
        var packets = Train(sender, 1370); // 65,760 units; the 69th interval passes 0xFFFF
        Assert.Equal(69 + 1 + 2, packets.Count);
        Assert.Equal((Start, (ushort)0xFFFF, false), (packets[68].Timestamp, packets[68].Event.Duration, packets[68].Event.End));
        foreach (var p in packets.Skip(69))
            Assert.Equal((unchecked(Start + 0xFFFF), (ushort)(65760 - 0xFFFF), true), (p.Timestamp, p.Event.Duration, p.Event.End));
    }

    [Theory]
    [InlineData(48000, 1365, 65520)] // just under the limit: one segment, as before
    [InlineData(8000, 5000, 40000)]
    public void EventsThatFit_StayOneSegment(int clock, int durationMs, int units)
    {
        var packets = Train(new DtmfSender(101, 1, clock), durationMs);
        Assert.All(packets, p => Assert.Equal(Start, p.Timestamp));
        Assert.Equal(units, packets[^1].Event.Duration);
        Assert.Equal(3, packets.Count(p => p.Event.End));
    }

    [Fact]
    public void TenSecondsAt8kHz_AndFiveSecondsAt48kHz_SegmentAndReportTheDigitOnce()
    {
        foreach (var (clock, ms, segments) in new[] { (8000, 10_000, 2), (48000, 5000, 4) })
        {
            var sender = new DtmfSender(101, 1, clock);
            var packets = Train(sender, ms);
            var timestamps = packets.Select(p => p.Timestamp).Distinct().ToArray();
            Assert.Equal(Enumerable.Range(0, segments).Select(k => unchecked(Start + (uint)(k * 0xFFFF))), timestamps);
            Assert.Equal(sender.DurationUnits(ms), packets.GroupBy(p => p.Timestamp).Sum(g => (int)g.Max(p => p.Event.Duration)));

            var receiver = new DtmfReceiver();
            var buf = new byte[64];
            int ended = 0;
            for (int i = 0; i < sender.PacketCount(ms); i++)
            {
                int n = sender.WritePacket(buf, i, 7, ms, Start, 0);
                RtpHeader.TryParse(buf.AsSpan(0, n), out var h, out _);
                if (receiver.OnPacket(h.Timestamp, h.Payload, out _) == DtmfReceiveResult.Ended) ended++;
            }
            Assert.Equal(1, ended);
        }
    }

    [Fact]
    public void WritePacket_AllocatesNothing()
    {
        var sender = new DtmfSender(101, 1, 48000);
        var buf = new byte[64];
        int count = sender.PacketCount(5000);
        for (int i = 0; i < count; i++) sender.WritePacket(buf, i, 1, 5000, 0, 0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < count; i++) sender.WritePacket(buf, i, 1, 5000, 0, 0);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
