using System.Collections.Concurrent;

namespace Gateway.Server.Signaling;

/// <summary>
/// Registered web users. Reads (inbound call routing) are lock-free: each user maps to an immutable array that
/// writers replace under a lock (copy on write).
/// </summary>
internal sealed class WebUserDirectory : IWebUserDirectory
{
    private readonly ConcurrentDictionary<string, IWebSession[]> _users = new(StringComparer.Ordinal);
    private readonly Lock _writeGate = new();

    public IReadOnlyList<IWebSession> SessionsFor(string user) =>
        _users.TryGetValue(user, out var sessions) ? sessions : [];

    /// <summary>Number of registered users (for metrics and tests).</summary>
    public int UserCount => _users.Count;

    /// <summary>The users with at least one session here.</summary>
    public IReadOnlyCollection<string> Users => [.. _users.Keys];

    /// <summary>A user's first session here registered (true) or its last one left (false): the cluster's presence.</summary>
    public event Action<string, bool>? PresenceChanged;

    public void Register(string user, IWebSession session)
    {
        lock (_writeGate)
        {
            var current = _users.TryGetValue(user, out var s) ? s : [];
            if (Array.IndexOf(current, session) >= 0) return;
            _users[user] = [.. current, session];
            if (current.Length == 0) PresenceChanged?.Invoke(user, true);
        }
    }

    public void Unregister(string user, IWebSession session)
    {
        lock (_writeGate)
        {
            if (!_users.TryGetValue(user, out var current)) return;
            var remaining = Array.FindAll(current, s => !ReferenceEquals(s, session));
            if (remaining.Length == 0)
            {
                _users.TryRemove(user, out _);
                PresenceChanged?.Invoke(user, false);
            }
            else if (remaining.Length != current.Length) _users[user] = remaining;
        }
    }
}
