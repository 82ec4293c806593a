using System.Collections.Concurrent;
using Gateway.Cluster;
using Gateway.Sip.Registrar;

namespace Gateway.Server.Cluster;

/// <summary>
/// The registrar's store with presence: an AoR that gains its first binding here is published as held by this node,
/// one whose last binding goes (removed, or expired: seen at the heartbeat's <see cref="Users"/>) is withdrawn.
/// The bindings stay on the node that holds their flows (a TCP, TLS or WebSocket connection exists on one node only).
/// </summary>
internal sealed class PresenceRegistrationStore(IRegistrationStore inner, Func<UserPresence?> presence) : IRegistrationStore
{
    private readonly ConcurrentDictionary<string, string> _aors = new(StringComparer.Ordinal); // AoR -> user

    public int Count => inner.Count;

    public IReadOnlyList<SipBinding> Lookup(string aor) => inner.Lookup(aor);

    public BindingResult Apply(BindingUpdate update)
    {
        var result = inner.Apply(update);
        if (UserOf(update.Aor) is not { } user) return result;
        if (result.Bindings.Count > 0)
        {
            if (_aors.TryAdd(update.Aor, user)) presence()?.Held(user);
        }
        else if (_aors.TryRemove(update.Aor, out _)) presence()?.Released(user);
        return result;
    }

    /// <summary>The users with a live binding here (the expired ones are dropped and withdrawn).</summary>
    public IEnumerable<string> Users()
    {
        foreach (var (aor, user) in _aors)
        {
            if (inner.Lookup(aor).Count > 0) yield return user;
            else if (_aors.TryRemove(aor, out _)) presence()?.Released(user);
        }
    }

    /// <summary>The user part of <c>sip:user@domain</c>.</summary>
    private static string? UserOf(string aor)
    {
        var colon = aor.IndexOf(':');
        var at = aor.IndexOf('@');
        return colon >= 0 && at > colon + 1 ? aor[(colon + 1)..at] : null;
    }
}
