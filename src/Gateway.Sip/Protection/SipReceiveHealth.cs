using System.Collections.Concurrent;

namespace Gateway.Sip.Protection;

/// <summary>
/// Which SIP receive loops (UDP receive, TCP/TLS accept) are down, and why: the seam /healthz reads, so a process
/// whose SIP side stopped listening reports unhealthy instead of "ok". Thread-safe.
/// </summary>
public sealed class SipReceiveHealth
{
    private readonly ConcurrentDictionary<string, string> _down = new(StringComparer.Ordinal);

    public bool IsHealthy => _down.IsEmpty;

    /// <summary>The loops that are down, with the reason, for example "udp 0.0.0.0:5060" → "OutOfMemoryException: ...".</summary>
    public IReadOnlyList<KeyValuePair<string, string>> DownLoops => [.. _down.OrderBy(d => d.Key, StringComparer.Ordinal)];

    public void MarkDown(string loop, string reason) => _down[loop] = reason;

    public void MarkUp(string loop) => _down.TryRemove(loop, out _);
}
