using Gateway.Media.Demux;
using Xunit;

namespace Gateway.Media.Tests.Demux;

/// <summary>RFC 7983 §7 ranges, tested at every boundary, and the RTP/RTCP split of RFC 5761 §4.</summary>
public sealed class MediaPacketClassifierTests
{
    [Theory]
    [InlineData(0, MediaPacketKind.Stun)]
    [InlineData(1, MediaPacketKind.Stun)]
    [InlineData(3, MediaPacketKind.Stun)]
    [InlineData(4, MediaPacketKind.Unknown)]
    [InlineData(15, MediaPacketKind.Unknown)]
    [InlineData(16, MediaPacketKind.Zrtp)]
    [InlineData(19, MediaPacketKind.Zrtp)]
    [InlineData(20, MediaPacketKind.Dtls)]
    [InlineData(22, MediaPacketKind.Dtls)]
    [InlineData(63, MediaPacketKind.Dtls)]
    [InlineData(64, MediaPacketKind.TurnChannel)]
    [InlineData(79, MediaPacketKind.TurnChannel)]
    [InlineData(80, MediaPacketKind.Unknown)]
    [InlineData(127, MediaPacketKind.Unknown)]
    [InlineData(128, MediaPacketKind.Rtp)]
    [InlineData(191, MediaPacketKind.Rtp)]
    [InlineData(192, MediaPacketKind.Unknown)]
    [InlineData(255, MediaPacketKind.Unknown)]
    public void FirstByte_Ranges(int first, MediaPacketKind expected)
    {
        Assert.Equal(expected, MediaPacketClassifier.ClassifyFirstByte((byte)first));
        if (expected is not MediaPacketKind.Rtp)
        {
            var datagram = new byte[20];
            datagram[0] = (byte)first;
            Assert.Equal(expected, MediaPacketClassifier.Classify(datagram));
        }
    }

    [Theory]
    [InlineData(0x80, 0, 12, MediaPacketKind.Rtp)]        // PT 0 (PCMU)
    [InlineData(0x80, 0x80 | 111, 12, MediaPacketKind.Rtp)] // marker + PT 111 (Opus)
    [InlineData(0x90, 96, 16, MediaPacketKind.Rtp)]       // with extension bit
    [InlineData(0xBF, 127, 12, MediaPacketKind.Rtp)]      // 191: last RTP first byte
    [InlineData(0x80, 191, 12, MediaPacketKind.Rtp)]      // second byte just below the RTCP range
    [InlineData(0x80, 192, 8, MediaPacketKind.Rtcp)]      // FIR (first RTCP second byte)
    [InlineData(0x81, 200, 28, MediaPacketKind.Rtcp)]     // SR
    [InlineData(0x81, 201, 8, MediaPacketKind.Rtcp)]      // RR
    [InlineData(0x80, 223, 8, MediaPacketKind.Rtcp)]      // last RTCP second byte
    [InlineData(0x80, 224, 12, MediaPacketKind.Rtp)]      // above the RTCP range: RTP with M and PT 96
    [InlineData(0x80, 0, 11, MediaPacketKind.Unknown)]    // too short for an RTP header
    [InlineData(0x81, 200, 3, MediaPacketKind.Unknown)]   // too short for an RTCP header
    public void RtpAndRtcp_AreSplitByRtcpMux(int first, int second, int length, MediaPacketKind expected)
    {
        var datagram = new byte[length];
        datagram[0] = (byte)first;
        if (length > 1) datagram[1] = (byte)second;
        Assert.Equal(expected, MediaPacketClassifier.Classify(datagram));
    }

    [Fact]
    public void Empty_IsUnknown() => Assert.Equal(MediaPacketKind.Unknown, MediaPacketClassifier.Classify([]));

    [Fact]
    public void AllFirstBytes_MapToTheRfc7983Table()
    {
        for (int b = 0; b < 256; b++)
        {
            var expected = b switch
            {
                <= 3 => MediaPacketKind.Stun,
                >= 16 and <= 19 => MediaPacketKind.Zrtp,
                >= 20 and <= 63 => MediaPacketKind.Dtls,
                >= 64 and <= 79 => MediaPacketKind.TurnChannel,
                >= 128 and <= 191 => MediaPacketKind.Rtp,
                _ => MediaPacketKind.Unknown,
            };
            Assert.Equal(expected, MediaPacketClassifier.ClassifyFirstByte((byte)b));
        }
    }
}
