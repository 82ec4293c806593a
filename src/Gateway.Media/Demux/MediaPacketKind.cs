namespace Gateway.Media.Demux;

/// <summary>What a datagram on the shared media port is (RFC 7983 §7, RFC 5761 §4).</summary>
public enum MediaPacketKind : byte
{
    /// <summary>Empty, too short, or a first byte outside every range RFC 7983 assigns: drop it.</summary>
    Unknown,
    /// <summary>First byte 0..3: STUN (RFC 8489).</summary>
    Stun,
    /// <summary>First byte 16..19: ZRTP (RFC 6189); the gateway does not speak it.</summary>
    Zrtp,
    /// <summary>First byte 20..63: a DTLS record (RFC 6347).</summary>
    Dtls,
    /// <summary>First byte 64..79: TURN ChannelData (RFC 8656 §12).</summary>
    TurnChannel,
    /// <summary>First byte 128..191 and an RTP payload type: (S)RTP.</summary>
    Rtp,
    /// <summary>First byte 128..191 and a second byte 192..223: (S)RTCP, multiplexed per RFC 5761.</summary>
    Rtcp,
}
