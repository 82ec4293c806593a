using System.Net;
using Microsoft.Extensions.Logging;

namespace Gateway.Sip.Protection;

/// <summary>
/// What the transports and the transaction layer share to stay bounded under a flood: the per-source limiter (none:
/// unlimited), the drop counters that log one summary per interval, and the receive-loop health /healthz reads.
/// </summary>
public sealed class SipInboundGuard : IDisposable
{
    public static readonly TimeSpan DefaultDropLogInterval = TimeSpan.FromSeconds(10);

    public SipInboundGuard(SourceRateLimiter? limiter, SipDropLog drops, SipReceiveHealth health, TimeProvider? time = null)
    {
        Limiter = limiter;
        Drops = drops;
        Health = health;
        Time = time ?? TimeProvider.System;
    }

    public SourceRateLimiter? Limiter { get; }
    public SipDropLog Drops { get; }
    public SipReceiveHealth Health { get; }
    public TimeProvider Time { get; }

    /// <summary>No rate limits, drops summarized on <paramref name="logger"/> every 10 s.</summary>
    public static SipInboundGuard Unlimited(ILogger logger) => new(null, new SipDropLog(logger, DefaultDropLogInterval), new SipReceiveHealth());

    /// <summary>One packet (datagram or framed message) from <paramref name="source"/>; false: drop it silently.</summary>
    public bool AdmitPacket(IPEndPoint source) => Admit(source, SourceRateKind.Packet, SipDropReason.PacketRate);

    /// <summary>A request that would create a server transaction; false: drop it silently.</summary>
    public bool AdmitTransaction(IPEndPoint source) => Admit(source, SourceRateKind.Transaction, SipDropReason.TransactionRate);

    private bool Admit(IPEndPoint source, SourceRateKind kind, SipDropReason overLimit)
    {
        if (Limiter is null) return true;
        switch (Limiter.Admit(source.Address, kind))
        {
            case SourceVerdict.Admitted:
                return true;
            case SourceVerdict.NowBlocked:
                Drops.Dropped(overLimit, source, "source blocked");
                return false;
            default:
                Drops.Dropped(SipDropReason.Blocked, source);
                return false;
        }
    }

    public void Dispose() => Drops.Dispose();
}
