using Gateway.Media.Rtp;

namespace Gateway.Media.Bridge;

/// <summary>
/// One leg's counters. Each field has one writer (the loop or app thread that sends or receives on the leg), so plain
/// increments suffice; readers take a possibly slightly stale snapshot. No allocation, no lock.
/// </summary>
internal sealed class LegCounters(uint clockRate)
{
    public long PacketsIn, BytesIn, PacketsOut, BytesOut;
    /// <summary>Datagrams refused: garbage, failed SRTP authentication, replays, unknown sources, unmapped payload types.</summary>
    public long Dropped;
    /// <summary>RTCP packets received and terminated here.</summary>
    public long RtcpIn;
    /// <summary><see cref="TimeProvider.GetTimestamp"/> of the last RTP packet received (0: none yet).</summary>
    public long LastRtpIn;
    /// <summary>RTP timestamp of the last packet sent on the leg (for our SR, RFC 3550 §6.4.1).</summary>
    public uint LastRtpTimestampOut;

    public RtpReceiveStatistics Receive { get; private set; } = new(clockRate);
    public uint ClockRate { get; private set; } = clockRate;

    /// <summary>A new codec clock (re-INVITE): statistics restart.</summary>
    public void SetClockRate(uint clockRate)
    {
        if (clockRate == ClockRate || clockRate == 0) return;
        ClockRate = clockRate;
        Receive = new RtpReceiveStatistics(clockRate);
    }

    public void OnRtpIn(ReadOnlySpan<byte> rtp, long now, TimeSpan arrival)
    {
        PacketsIn++;
        BytesIn += rtp.Length;
        LastRtpIn = now;
        if (RtpHeader.TryParse(rtp, out var h, out _) == RtpError.None)
            Receive.OnPacket(h.Ssrc, h.SequenceNumber, h.Timestamp, arrival);
    }

    /// <summary>Outbound can have two writers (relay and the DTMF/playback apps): atomic adds, still no lock.</summary>
    public void OnOut(int bytes)
    {
        Interlocked.Increment(ref PacketsOut);
        Interlocked.Add(ref BytesOut, bytes);
    }

    public double JitterMs => Receive.PacketsReceived == 0 ? 0 : Receive.Jitter * 1000.0 / ClockRate;
    public long Lost => Receive.PacketsReceived == 0 ? 0 : Math.Max(0, Receive.CumulativeLost);
}
