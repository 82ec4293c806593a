using Gateway.Media.Rtp;
using Xunit;

namespace Gateway.Media.Tests.Rtp;

public sealed class RtpReceiveStatisticsTests
{
    [Fact]
    public void Loss_WrapAndFraction_FollowRfc3550AppendixA3()
    {
        var s = new RtpReceiveStatistics(8000);
        ushort seq = 65530;
        uint ts = 0;
        for (int i = 0; i < 20; i++, seq++, ts += 160)
        {
            if (i % 4 == 3) continue; // drop every 4th
            s.OnPacket(7, seq, ts, TimeSpan.FromMilliseconds(20 * i));
        }
        Assert.Equal(65536u + 12, s.ExtendedHighestSequence); // last kept is 65530 + 18, wrapping to 12 in cycle 1
        Assert.Equal(4, s.CumulativeLost); // 19 expected, 15 received
        Assert.Equal((byte)(4 * 256 / 19), s.TakeFractionLost());
        Assert.Equal(0, s.TakeFractionLost());
        Assert.Equal(0u, s.Jitter); // perfectly paced
    }

    [Fact]
    public void Jitter_GrowsWithArrivalVariation()
    {
        var s = new RtpReceiveStatistics(8000);
        for (int i = 0; i < 50; i++)
            s.OnPacket(1, (ushort)i, (uint)(i * 160), TimeSpan.FromMilliseconds(20 * i + (i % 2 == 0 ? 0 : 10)));
        // |D| = 80 units each packet; J converges towards 80.
        Assert.InRange(s.Jitter, 70u, 80u);
    }
}
