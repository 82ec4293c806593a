using Gateway.Media.Codecs;
using Gateway.Media.Demux;
using Gateway.Media.Rtcp;
using Gateway.Media.Rtp;

namespace Gateway.Fuzz.Targets;

/// <summary>
/// A datagram classified as RTP (RFC 7983, RFC 5761 §4): the RTP header (RFC 3550 §5.1) with its CSRCs, RFC 8285
/// header extensions and padding, a telephone-event payload (RFC 4733 §2.3), the receive statistics (RFC 3550 A.8)
/// and the SSRC/payload type rewriting the bridge applies before forwarding.
/// </summary>
public static class RtpTarget
{
    public const string Name = "rtp";

    public static void Run(ReadOnlySpan<byte> input)
    {
        _ = MediaPacketClassifier.Classify(input);
        _ = (RtcpMuxClassifier.IsRtp(input), RtcpMuxClassifier.IsRtcp(input));
        if (RtpHeader.TryParse(input, out var header, out _) != RtpError.None) return;
        FuzzInvariant.Check(header.HeaderLength + header.PaddingLength <= input.Length, "header and padding exceed the packet");
        _ = (header.Marker, header.PayloadType, header.SequenceNumber, header.Timestamp, header.Ssrc, header.Padding);
        for (var i = 0; i < header.CsrcCount; i++) _ = header.GetCsrc(i);
        _ = (header.ExtensionProfile, header.ExtensionData.Length);
        var extensions = header.Extensions;
        var elements = 0;
        while (extensions.TryReadNext(out _, out var value))
        {
            FuzzInvariant.Check(++elements <= header.ExtensionData.Length, "more extension elements than bytes");
            _ = value.Length;
        }
        _ = header.Extensions.TryFind(3, out _);
        _ = TelephoneEvent.TryParse(header.Payload, out _);

        var statistics = new RtpReceiveStatistics(8000);
        statistics.OnPacket(header.Ssrc, header.SequenceNumber, header.Timestamp, TimeSpan.Zero);
        statistics.OnPacket(header.Ssrc, (ushort)(header.SequenceNumber + 1), header.Timestamp + 160, TimeSpan.FromMilliseconds(20));
        _ = (statistics.CumulativeLost, statistics.Jitter, statistics.ExtendedHighestSequence, statistics.TakeFractionLost());

        var rewriter = new RtpRewriter(0x11223344);
        rewriter.MapPayloadType(header.PayloadType, 0);
        var copy = input.ToArray();
        _ = rewriter.Rewrite(copy);
        _ = rewriter.Rewrite(copy);
    }
}
