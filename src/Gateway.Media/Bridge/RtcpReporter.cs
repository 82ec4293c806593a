using System.Buffers.Binary;
using Gateway.Media.Rtcp;

namespace Gateway.Media.Bridge;

/// <summary>
/// RTCP termination for one leg (RFC 3550 §6, RFC 3550 §7.1 "translator" choice): RTCP received on a leg is validated,
/// counted and consumed here, never forwarded; each leg gets its own reports built from that leg's
/// <see cref="LegCounters"/>: an SR (we send media on every leg) with one reception report block about the stream
/// received on that leg, plus the SDES CNAME every compound must carry (§6.1). Reports go out at most every 5 s
/// (§6.2 minimum interval), from the thread that sends media on the leg, so no lock guards the SRTP context.
/// </summary>
internal sealed class RtcpReporter(TimeProvider time, string cname)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private long _lastReport;
    private uint _lastSrNtpMiddle;
    private long _lastSrArrival;

    /// <summary>Consumes a received compound: false if it is not well-formed RTCP. Remembers the peer's last SR (for LSR/DLSR).</summary>
    public bool OnRtcp(ReadOnlySpan<byte> compound)
    {
        var reader = new RtcpCompoundReader(compound);
        int count = 0;
        while (reader.TryReadNext(out var packet))
        {
            count++;
            if (packet.PacketType == RtcpPacketType.SenderReport && packet.Body.Length >= 24)
            {
                _lastSrNtpMiddle = (uint)(packet.NtpTimestamp >> 16);
                _lastSrArrival = time.GetTimestamp();
            }
        }
        return count > 0 && reader.Error == RtcpError.None;
    }

    /// <summary>True (and the clock restarts) when a report is due on this leg.</summary>
    public bool TakeDue(long now)
    {
        if (_lastReport != 0 && time.GetElapsedTime(_lastReport, now) < Interval) return false;
        _lastReport = now;
        return true;
    }

    /// <summary>Writes SR + SDES(CNAME) for <paramref name="ssrc"/>; returns the length or -1.</summary>
    public int Write(Span<byte> dest, uint ssrc, LegCounters counters)
    {
        Span<RtcpReportBlock> block = stackalloc RtcpReportBlock[1];
        int blocks = 0;
        var rx = counters.Receive;
        if (rx.PacketsReceived > 0)
        {
            uint dlsr = 0;
            if (_lastSrArrival != 0)
                dlsr = (uint)Math.Min(uint.MaxValue, time.GetElapsedTime(_lastSrArrival).TotalSeconds * 65536); // 1/65536 s units
            block[0] = new RtcpReportBlock(rx.Ssrc, rx.TakeFractionLost(), rx.CumulativeLost, rx.ExtendedHighestSequence,
                rx.Jitter, _lastSrNtpMiddle, _lastSrArrival == 0 ? 0 : dlsr);
            blocks = 1;
        }
        int n = RtcpWriter.WriteSenderReport(dest, ssrc, RtcpWriter.ToNtp(time.GetUtcNow()), counters.LastRtpTimestampOut,
            (uint)counters.PacketsOut, (uint)counters.BytesOut, block[..blocks]);
        if (n < 0) return -1;
        int sdes = WriteCname(dest[n..], ssrc);
        return sdes < 0 ? -1 : n + sdes;
    }

    /// <summary>SDES with one chunk: SSRC, CNAME item, null terminator, padding to 32 bits (RFC 3550 §6.5).</summary>
    private int WriteCname(Span<byte> dest, uint ssrc)
    {
        int itemsLength = 2 + cname.Length + 1; // type, length, text, end-of-list
        int length = 8 + ((itemsLength + 3) & ~3);
        if (dest.Length < length || cname.Length > 255) return -1;
        dest[..length].Clear();
        dest[0] = 0x81;
        dest[1] = RtcpPacketType.SourceDescription;
        BinaryPrimitives.WriteUInt16BigEndian(dest[2..], (ushort)(length / 4 - 1));
        BinaryPrimitives.WriteUInt32BigEndian(dest[4..], ssrc);
        dest[8] = 1; // CNAME
        dest[9] = (byte)cname.Length;
        for (int i = 0; i < cname.Length; i++) dest[10 + i] = (byte)cname[i];
        return length;
    }
}
