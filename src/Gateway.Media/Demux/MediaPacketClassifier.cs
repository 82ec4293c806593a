using Gateway.Media.Rtcp;

namespace Gateway.Media.Demux;

/// <summary>
/// Demultiplexes one UDP port shared by STUN, DTLS and SRTP/SRTCP (RFC 7983 §7) by the first byte; RTP and RTCP
/// are then told apart by <see cref="RtcpMuxClassifier"/> (RFC 5761 §4). Pure and allocation-free.
/// </summary>
public static class MediaPacketClassifier
{
    public static MediaPacketKind Classify(ReadOnlySpan<byte> datagram)
    {
        if (datagram.IsEmpty) return MediaPacketKind.Unknown;
        var kind = ClassifyFirstByte(datagram[0]);
        if (kind != MediaPacketKind.Rtp) return kind;
        return RtcpMuxClassifier.IsRtcp(datagram) ? MediaPacketKind.Rtcp
            : RtcpMuxClassifier.IsRtp(datagram) ? MediaPacketKind.Rtp
            : MediaPacketKind.Unknown;
    }

    /// <summary>The RFC 7983 range of a first byte alone; 128..191 reads as <see cref="MediaPacketKind.Rtp"/>.</summary>
    public static MediaPacketKind ClassifyFirstByte(byte first) => first switch
    {
        <= 3 => MediaPacketKind.Stun,
        >= 16 and <= 19 => MediaPacketKind.Zrtp,
        >= 20 and <= 63 => MediaPacketKind.Dtls,
        >= 64 and <= 79 => MediaPacketKind.TurnChannel,
        >= 128 and <= 191 => MediaPacketKind.Rtp,
        _ => MediaPacketKind.Unknown,
    };
}
