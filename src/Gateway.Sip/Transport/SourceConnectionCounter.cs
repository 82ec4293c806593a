using System.Collections.Concurrent;
using System.Net;

namespace Gateway.Sip.Transport;

/// <summary>
/// Open accepted connections per source address, for the per-source connection limit. An entry exists only while the
/// source has a connection open, so the table is bounded by the global connection limit.
/// </summary>
internal sealed class SourceConnectionCounter
{
    private readonly ConcurrentDictionary<IPAddress, int> _counts = new();
    private readonly Lock _gate = new();

    public int this[IPAddress source] => _counts.TryGetValue(Normalize(source), out var n) ? n : 0;

    /// <summary>Counts one more connection from <paramref name="source"/> unless it already has <paramref name="limit"/>.</summary>
    public bool TryAdd(IPAddress source, int limit)
    {
        source = Normalize(source);
        lock (_gate)
        {
            var n = _counts.TryGetValue(source, out var c) ? c : 0;
            if (n >= limit) return false;
            _counts[source] = n + 1;
            return true;
        }
    }

    public void Remove(IPAddress source)
    {
        source = Normalize(source);
        lock (_gate)
        {
            if (!_counts.TryGetValue(source, out var n)) return;
            if (n <= 1) _counts.TryRemove(source, out _);
            else _counts[source] = n - 1;
        }
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
