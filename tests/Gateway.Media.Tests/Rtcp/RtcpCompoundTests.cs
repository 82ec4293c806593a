using Gateway.Media.Rtcp;
using Xunit;

namespace Gateway.Media.Tests.Rtcp;

public sealed class RtcpCompoundTests
{
    private static byte[] Compound()
    {
        var buf = new byte[512];
        var block = new RtcpReportBlock(0xAAAA, 25, -3, 70000, 42, 0x12345678, 655);
        int n = RtcpWriter.WriteSenderReport(buf, 0x1111, RtcpWriter.ToNtp(DateTimeOffset.UnixEpoch), 8000, 10, 1600, [block]);
        // SDES with CNAME "ab" (§6.5): padded to 4 bytes, skipped by callers.
        byte[] sdes = [0x81, 202, 0, 2, 0, 0, 0x11, 0x11, 1, 2, (byte)'a', (byte)'b'];
        sdes.CopyTo(buf, n); n += sdes.Length;
        // PSFB PLI (RFC 4585 §6.3.1): FMT=1, sender + media SSRC.
        byte[] pli = [0x81, 206, 0, 2, 0, 0, 0x11, 0x11, 0, 0, 0xAA, 0xAA];
        pli.CopyTo(buf, n); n += pli.Length;
        n += RtcpWriter.WriteBye(buf.AsSpan(n), [0x1111u]);
        return buf.AsSpan(0, n).ToArray();
    }

    [Fact]
    public void SrSdesPliBye_AreWalkedInOrder()
    {
        var data = Compound();
        Assert.True(RtcpMuxClassifier.IsRtcp(data));
        Assert.False(RtcpMuxClassifier.IsRtp(data));
        var r = new RtcpCompoundReader(data);
        Assert.True(r.TryReadNext(out var sr));
        Assert.Equal(RtcpPacketType.SenderReport, sr.PacketType);
        Assert.Equal(0x1111u, sr.SenderSsrc);
        Assert.Equal(2208988800UL << 32, sr.NtpTimestamp);
        Assert.Equal(8000u, sr.RtpTimestamp);
        Assert.Equal(10u, sr.SenderPacketCount);
        Assert.Equal(new RtcpReportBlock(0xAAAA, 25, -3, 70000, 42, 0x12345678, 655), sr.GetReportBlock(0));
        Assert.True(r.TryReadNext(out var sdes));
        Assert.Equal(RtcpPacketType.SourceDescription, sdes.PacketType);
        Assert.True(r.TryReadNext(out var pli));
        Assert.Equal(RtcpPacketType.PayloadFeedback, pli.PacketType);
        Assert.Equal(1, pli.Count);
        Assert.Equal(0xAAAAu, pli.MediaSsrc);
        Assert.Equal(12, pli.Raw.Length);
        Assert.True(r.TryReadNext(out var bye));
        Assert.Equal(0x1111u, bye.GetByeSsrc(0));
        Assert.False(r.TryReadNext(out _));
        Assert.Equal(RtcpError.None, r.Error);
    }

    [Fact]
    public void ReceiverReport_RoundTrips()
    {
        var buf = new byte[64];
        int n = RtcpWriter.WriteReceiverReport(buf, 9, [new RtcpReportBlock(1, 2, 3, 4, 5, 6, 7)]);
        var r = new RtcpCompoundReader(buf.AsSpan(0, n));
        Assert.True(r.TryReadNext(out var rr));
        Assert.Equal(RtcpPacketType.ReceiverReport, rr.PacketType);
        Assert.Equal(new RtcpReportBlock(1, 2, 3, 4, 5, 6, 7), rr.GetReportBlock(0));
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 200 }, RtcpError.TooShort)]
    [InlineData(new byte[] { 0x40, 200, 0, 0 }, RtcpError.BadVersion)]
    [InlineData(new byte[] { 0x80, 201, 0, 5, 0, 0, 0, 0 }, RtcpError.BadLength)]
    [InlineData(new byte[] { 0x81, 201, 0, 1, 0, 0, 0, 0 }, RtcpError.BadReportCount)]
    [InlineData(new byte[] { 0xA0, 201, 0, 1, 0, 0, 0, 9 }, RtcpError.BadPadding)]
    public void Malformed_IsReported(byte[] data, RtcpError expected)
    {
        var r = new RtcpCompoundReader(data);
        while (r.TryReadNext(out _)) { }
        Assert.Equal(expected, r.Error);
    }

    [Fact]
    public void Mutations_NeverThrow()
    {
        var seed = Compound();
        var rng = new Random(3550);
        for (int i = 0; i < 20000; i++)
        {
            var d = (byte[])seed.Clone();
            for (int k = rng.Next(1, 4); k > 0; k--) d[rng.Next(d.Length)] = (byte)rng.Next(256);
            var r = new RtcpCompoundReader(d.AsSpan(0, rng.Next(d.Length + 1)));
            while (r.TryReadNext(out var p))
            {
                if (p.PacketType is RtcpPacketType.SenderReport or RtcpPacketType.ReceiverReport)
                    for (int b = 0; b < p.Count; b++) p.GetReportBlock(b);
                if (p.PacketType == RtcpPacketType.SenderReport) _ = p.SenderOctetCount;
                if (p.PacketType == RtcpPacketType.Goodbye)
                    for (int b = 0; b < p.Count; b++) p.GetByeSsrc(b);
            }
        }
    }
}
