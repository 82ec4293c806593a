using Gateway.Media.Rtp;
using Xunit;

namespace Gateway.Media.Tests.Rtp;

public sealed class RtpRewriterTests
{
    private static byte[] Packet(uint ssrc, ushort seq, uint ts, byte pt = 0)
    {
        var p = new byte[20];
        RtpHeaderWriter.Write(p, pt, seq, ts, ssrc);
        return p;
    }

    [Fact]
    public void RewritesSsrc_MapsPayloadType_AndContinuesAcrossSourceSwitch()
    {
        var rw = new RtpRewriter(0xCAFE, timestampStep: 160);
        rw.MapPayloadType(101, 96);
        var a = Packet(1, 100, 1000, 101);
        Assert.True(rw.Rewrite(a));
        RtpHeader.TryParse(a, out var h, out _);
        Assert.Equal(0xCAFEu, h.Ssrc);
        Assert.Equal(96, h.PayloadType);
        Assert.Equal(100, h.SequenceNumber);
        var b = Packet(1, 101, 1160);
        rw.Rewrite(b);
        // New source with unrelated numbering continues at seq 102, ts 1320.
        var c = Packet(2, 5000, 777);
        rw.Rewrite(c);
        RtpHeader.TryParse(c, out h, out _);
        Assert.Equal(102, h.SequenceNumber);
        Assert.Equal(1320u, h.Timestamp);
        var d = Packet(2, 5001, 937);
        rw.Rewrite(d);
        RtpHeader.TryParse(d, out h, out _);
        Assert.Equal(103, h.SequenceNumber);
        Assert.Equal(1480u, h.Timestamp);
    }

    [Fact]
    public void NotRtp_IsLeftUntouched() => Assert.False(new RtpRewriter(1).Rewrite(new byte[5]));
}
