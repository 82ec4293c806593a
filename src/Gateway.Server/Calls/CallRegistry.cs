using System.Collections.Concurrent;

namespace Gateway.Server.Calls;

/// <summary>
/// Every live call, found by its web side (session id + call id) and by its SIP side (Call-ID). A call adds
/// its keys as it gets them and <see cref="Remove"/> drops all of them when it ends, so no state outlives a call.
/// </summary>
internal sealed class CallRegistry
{
    private readonly ConcurrentDictionary<GatewayCall, byte> _all = new();
    private readonly ConcurrentDictionary<(string SessionId, string CallId), GatewayCall> _byWeb = new();
    private readonly ConcurrentDictionary<string, GatewayCall> _bySip = new(StringComparer.Ordinal);
    /// <summary>The INVITEs to registered devices in flight or answered, by Call-ID (at most max_devices per ringing call).</summary>
    private readonly ConcurrentDictionary<string, SipDeviceSession> _devices = new(StringComparer.Ordinal);
    /// <summary>The INVITEs of WebRTC phones placed as browser calls (<see cref="SipWebRtcCaller"/>), by Call-ID.</summary>
    private readonly ConcurrentDictionary<string, SipWebRtcCaller> _callers = new(StringComparer.Ordinal);
    private long _serverIds;

    /// <summary>Live calls (tests assert this returns to zero).</summary>
    public int Count => _all.Count;
    public int WebKeys => _byWeb.Count;
    public int SipKeys => _bySip.Count;

    /// <summary>A fresh id for a call the server delivers ("s1-3fa0", ...): a counter and a random suffix, so it cannot meet an id a browser chose.</summary>
    public string NextServerCallId() => "s" + Interlocked.Increment(ref _serverIds) + "-" + Gateway.Sip.Stack.SipStack.NewToken(2);

    public void Add(GatewayCall call) => _all.TryAdd(call, 0);

    public bool TryAddWeb(string sessionId, string callId, GatewayCall call) => _byWeb.TryAdd((sessionId, callId), call);

    public void RemoveWeb(string sessionId, string callId, GatewayCall call) =>
        _byWeb.TryRemove(new KeyValuePair<(string, string), GatewayCall>((sessionId, callId), call));

    public bool TryAddSip(string sipCallId, GatewayCall call) => _bySip.TryAdd(sipCallId, call);

    public void RemoveSip(string sipCallId, GatewayCall call) =>
        _bySip.TryRemove(new KeyValuePair<string, GatewayCall>(sipCallId, call));

    public bool TryAddDevice(string sipCallId, SipDeviceSession device) => _devices.TryAdd(sipCallId, device);

    public void RemoveDevice(string sipCallId, SipDeviceSession device) =>
        _devices.TryRemove(new KeyValuePair<string, SipDeviceSession>(sipCallId, device));

    public SipDeviceSession? FindDevice(string? sipCallId) => sipCallId is null ? null : _devices.GetValueOrDefault(sipCallId);

    public int DeviceKeys => _devices.Count;

    public bool TryAddCaller(string sipCallId, SipWebRtcCaller caller) => _callers.TryAdd(sipCallId, caller);

    public void RemoveCaller(string sipCallId, SipWebRtcCaller caller) =>
        _callers.TryRemove(new KeyValuePair<string, SipWebRtcCaller>(sipCallId, caller));

    public SipWebRtcCaller? FindCaller(string? sipCallId) => sipCallId is null ? null : _callers.GetValueOrDefault(sipCallId);

    public int CallerKeys => _callers.Count;

    public GatewayCall? FindWeb(string sessionId, string callId) => _byWeb.GetValueOrDefault((sessionId, callId));

    public GatewayCall? FindSip(string? sipCallId) => sipCallId is null ? null : _bySip.GetValueOrDefault(sipCallId);

    /// <summary>The calls a session takes part in (placed, offered or answered).</summary>
    public IReadOnlyList<GatewayCall> ForSession(string sessionId) =>
        _byWeb.Where(kv => kv.Key.SessionId == sessionId).Select(kv => kv.Value).Distinct().ToList();

    public bool IsSessionBusy(string sessionId) => _byWeb.Keys.Any(k => k.SessionId == sessionId);

    public IReadOnlyList<GatewayCall> Snapshot() => _all.Keys.ToList();

    /// <summary>Drops every key that points at the call.</summary>
    public void Remove(GatewayCall call)
    {
        foreach (var kv in _byWeb)
            if (ReferenceEquals(kv.Value, call)) _byWeb.TryRemove(kv);
        foreach (var kv in _bySip)
            if (ReferenceEquals(kv.Value, call)) _bySip.TryRemove(kv);
        _all.TryRemove(call, out _);
    }
}
