using Gateway.Media.Codecs;
using Gateway.Media.Rtp;
using Xunit;

namespace Gateway.Media.Tests.Codecs;

public sealed class DtmfTests
{
    [Theory]
    [InlineData(8000, new[] { 160, 320, 480, 640, 800, 800, 800 })]
    [InlineData(48000, new[] { 960, 1920, 2880, 3840, 4800, 4800, 4800 })]
    public void Sender_ProducesUpdatesThenThreeEndPackets(int clock, int[] durations)
    {
        var sender = new DtmfSender(101, 0xABCD, clock);
        Assert.Equal(durations.Length, sender.PacketCount(100));
        var buf = new byte[64];
        for (int i = 0; i < durations.Length; i++)
        {
            int n = sender.WritePacket(buf, i, 5, 100, 12345, 1000);
            Assert.Equal(16, n);
            Assert.Equal(RtpError.None, RtpHeader.TryParse(buf.AsSpan(0, n), out var h, out _));
            Assert.Equal(i == 0, h.Marker);
            Assert.Equal(12345u, h.Timestamp);
            Assert.Equal((ushort)(1000 + i), h.SequenceNumber);
            Assert.Equal(101, h.PayloadType);
            Assert.True(TelephoneEvent.TryParse(h.Payload, out var ev));
            Assert.Equal(5, ev.Event);
            Assert.Equal(durations[i], ev.Duration);
            Assert.Equal(i >= durations.Length - 3, ev.End);
            Assert.Equal(10, ev.Volume);
        }
    }

    [Fact]
    public void Receiver_ReportsEachDigitOnce()
    {
        var sender = new DtmfSender(101, 1, 8000);
        var receiver = new DtmfReceiver();
        var buf = new byte[64];
        var results = new List<DtmfReceiveResult>();
        foreach (var (digit, ts) in new[] { ('1', 0u), ('#', 2000u) })
        {
            for (int i = 0; i < sender.PacketCount(60); i++)
            {
                int n = sender.WritePacket(buf, i, (byte)TelephoneEvent.FromDigit(digit), 60, ts, 0);
                RtpHeader.TryParse(buf.AsSpan(0, n), out var h, out _);
                results.Add(receiver.OnPacket(h.Timestamp, h.Payload, out var ev));
                if (results[^1] == DtmfReceiveResult.Ended) Assert.Equal(digit, TelephoneEvent.ToDigit(ev.Event));
            }
        }
        DtmfReceiveResult[] one = [DtmfReceiveResult.Started, DtmfReceiveResult.Continued, DtmfReceiveResult.Ended,
            DtmfReceiveResult.Duplicate, DtmfReceiveResult.Duplicate];
        Assert.Equal([.. one, .. one], results);
        Assert.Equal(DtmfReceiveResult.Invalid, receiver.OnPacket(1, new byte[2], out _));
    }

    [Fact]
    public void Payload_RoundTrips()
    {
        var ev = new TelephoneEvent(11, true, 63, 0xFFFF);
        Span<byte> b = stackalloc byte[4];
        Assert.True(ev.TryWrite(b));
        Assert.True(TelephoneEvent.TryParse(b, out var back));
        Assert.Equal(ev, back);
        Assert.Equal('#', TelephoneEvent.ToDigit(11));
        Assert.Equal(15, TelephoneEvent.FromDigit('D'));
    }
}
