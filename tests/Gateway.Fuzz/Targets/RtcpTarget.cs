using Gateway.Media.Rtcp;

namespace Gateway.Fuzz.Targets;

/// <summary>
/// A datagram classified as RTCP (RFC 5761 §4): the compound walk (RFC 3550 §6.1, A.2) and, per packet, the fields the
/// gateway reads: SR sender info and report blocks (§6.4), RR report blocks, BYE SSRCs (§6.6), feedback media SSRC
/// (RFC 4585 §6.1). Checks the walk ends within the datagram.
/// </summary>
public static class RtcpTarget
{
    public const string Name = "rtcp";

    public static void Run(ReadOnlySpan<byte> input)
    {
        var reader = new RtcpCompoundReader(input);
        var packets = 0;
        while (reader.TryReadNext(out var packet))
        {
            FuzzInvariant.Check(++packets <= input.Length / 4, "more RTCP packets than 32-bit words");
            _ = (packet.PacketType, packet.Count, packet.Body.Length, packet.SenderSsrc, packet.MediaSsrc);
            switch (packet.PacketType)
            {
                case RtcpPacketType.SenderReport:
                    _ = (packet.NtpTimestamp, packet.RtpTimestamp, packet.SenderPacketCount, packet.SenderOctetCount);
                    for (var i = 0; i < packet.Count; i++) _ = packet.GetReportBlock(i);
                    break;
                case RtcpPacketType.ReceiverReport:
                    for (var i = 0; i < packet.Count; i++) _ = packet.GetReportBlock(i);
                    break;
                case RtcpPacketType.Goodbye:
                    for (var i = 0; i < packet.Count; i++) _ = packet.GetByeSsrc(i);
                    break;
            }
        }
        _ = (reader.Error, reader.ErrorOffset);
        FuzzInvariant.Check(reader.ErrorOffset >= 0 && reader.ErrorOffset <= input.Length, $"error offset {reader.ErrorOffset} outside the datagram");
    }
}
