using System.Runtime.CompilerServices;

namespace Gateway.Server.Calls;

/// <summary>
/// <see cref="ICallDirectory"/> over the <see cref="CallRegistry"/>. Each call gets its directory id the first time it
/// is seen; the id lives in a weak table keyed by the call, so it goes with the call and the table cannot grow beyond
/// the live calls (which the call limits bound).
/// </summary>
internal sealed class CallDirectory(CallRegistry registry) : ICallDirectory
{
    private readonly ConditionalWeakTable<GatewayCall, string> _ids = new();
    private long _next;

    public IReadOnlyList<CallSnapshot> Snapshot() =>
        [.. registry.Snapshot().Where(c => c.State != CallState.Ended).Select(c => c.Describe(IdOf(c))).OrderBy(c => c.StartedAt)];

    public CallSnapshot? Find(string id) => Lookup(id) is { } call ? call.Describe(id) : null;


    public bool HangUp(string id, string by)
    {
        if (Lookup(id) is not { } call) return false;
        call.Guard("operator hangup", () => call.HangUpByOperator(by));
        return true;
    }

    /// <summary>Only calls already listed have an id: an id nobody was shown cannot be asked for.</summary>
    private GatewayCall? Lookup(string id)
    {
        foreach (var call in registry.Snapshot())
            if (call.State != CallState.Ended && _ids.TryGetValue(call, out var known) && known == id) return call;
        return null;
    }

    internal string IdOf(GatewayCall call) =>
        _ids.GetValue(call, _ => "k" + Interlocked.Increment(ref _next) + "-" + Gateway.Sip.Stack.SipStack.NewToken(2));
}
