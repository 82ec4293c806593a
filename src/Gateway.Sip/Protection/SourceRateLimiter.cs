using System.Net;
using System.Net.Sockets;

namespace Gateway.Sip.Protection;

/// <summary>
/// Token buckets per source address (<see cref="SipSourceLimits"/>), in a table of at most
/// <see cref="SipSourceLimits.MaxTrackedSources"/> entries: a new source evicts the least recently seen one, so spraying
/// source addresses cannot grow it. IPv6 sources are tracked by their /64 (RFC 4291 §2.5.4: one interface ID space per
/// link), so a host cannot escape its limit by changing the low bits. Trusted sources (<see cref="IsTrusted"/>, asked
/// only when a bucket runs dry) are never limited. Thread-safe.
/// </summary>
public sealed class SourceRateLimiter
{
    private readonly SipSourceLimits _limits;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, LinkedListNode<SourceEntry>> _sources = [];
    private readonly LinkedList<SourceEntry> _byRecency = []; // most recently seen first

    public SourceRateLimiter(SipSourceLimits limits, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.PacketsPerSecond, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.TransactionsPerSecond, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxTrackedSources, 1);
        _limits = limits;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Sources exempt from the limits (a trunk's inbound_sources); null trusts none.</summary>
    public Func<IPAddress, bool>? IsTrusted { get; set; }

    public int TrackedSources { get { lock (_gate) return _sources.Count; } }

    public SourceVerdict Admit(IPAddress source, SourceRateKind kind)
    {
        var key = KeyOf(source);
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            var entry = Touch(key, now);
            if (entry.BlockedUntil > now) return SourceVerdict.Blocked;
            entry.Refill(now, _time.TimestampFrequency, _limits);
            ref var tokens = ref kind == SourceRateKind.Packet ? ref entry.PacketTokens : ref entry.TransactionTokens;
            if (tokens >= 1)
            {
                tokens -= 1;
                return SourceVerdict.Admitted;
            }
        }
        // Outside the lock: the predicate may read configuration.
        if (IsTrusted?.Invoke(source) == true) return SourceVerdict.Admitted;
        lock (_gate)
        {
            var entry = Touch(key, now);
            entry.BlockedUntil = now + (long)(_limits.BlockPeriod.TotalSeconds * _time.TimestampFrequency);
        }
        return SourceVerdict.NowBlocked;
    }

    private SourceEntry Touch(IPAddress key, long now)
    {
        if (_sources.TryGetValue(key, out var node))
        {
            _byRecency.Remove(node);
            _byRecency.AddFirst(node);
            return node.Value;
        }
        if (_sources.Count >= _limits.MaxTrackedSources)
        {
            var oldest = _byRecency.Last!;
            _byRecency.RemoveLast();
            _sources.Remove(oldest.Value.Address);
        }
        var entry = new SourceEntry(key, now, _limits);
        node = _byRecency.AddFirst(entry);
        _sources[key] = node;
        return entry;
    }

    private static IPAddress KeyOf(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address;
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes);
    }

    private sealed class SourceEntry(IPAddress address, long now, SipSourceLimits limits)
    {
        public IPAddress Address { get; } = address;
        public double PacketTokens = limits.PacketsPerSecond * SipSourceLimits.BurstSeconds;
        public double TransactionTokens = limits.TransactionsPerSecond * SipSourceLimits.BurstSeconds;
        public long BlockedUntil;
        private long _refilled = now;

        public void Refill(long now, long frequency, SipSourceLimits limits)
        {
            var seconds = (double)(now - _refilled) / frequency;
            if (seconds <= 0) return;
            _refilled = now;
            PacketTokens = Math.Min(PacketTokens + seconds * limits.PacketsPerSecond, limits.PacketsPerSecond * SipSourceLimits.BurstSeconds);
            TransactionTokens = Math.Min(TransactionTokens + seconds * limits.TransactionsPerSecond, limits.TransactionsPerSecond * SipSourceLimits.BurstSeconds);
        }
    }
}
