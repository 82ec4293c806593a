namespace Gateway.Media.Bridge;

/// <summary>One leg's counters in an <see cref="RtpRelayStats"/> snapshot: what its peer sent us, what we sent it.</summary>
public readonly record struct RtpRelayLegStats(long PacketsIn, long BytesIn, long PacketsOut, long BytesOut, long PacketsLost,
    double JitterMs, long Dropped);

/// <summary>A snapshot of an RTP-to-RTP relay's counters (for CDRs and metrics).</summary>
public readonly record struct RtpRelayStats(RtpRelayLegStats A, RtpRelayLegStats B)
{
    internal static RtpRelayLegStats Of(LegCounters c) => new(
        Volatile.Read(ref c.PacketsIn), Volatile.Read(ref c.BytesIn), Volatile.Read(ref c.PacketsOut), Volatile.Read(ref c.BytesOut),
        c.Lost, c.JitterMs, Volatile.Read(ref c.Dropped));
}
