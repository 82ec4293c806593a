namespace Gateway.Media.Rtcp;

/// <summary>rtcp-mux demultiplexing (RFC 5761 §4): with V=2, a second byte 192..223 (PT 64..95 with M) is RTCP.</summary>
public static class RtcpMuxClassifier
{
    public static bool IsRtcp(ReadOnlySpan<byte> packet) =>
        packet.Length >= 4 && (packet[0] >> 6) == 2 && packet[1] >= 192 && packet[1] <= 223;

    public static bool IsRtp(ReadOnlySpan<byte> packet) =>
        packet.Length >= 12 && (packet[0] >> 6) == 2 && !(packet[1] >= 192 && packet[1] <= 223);
}
