using Gateway.Sip.Messages;

namespace Gateway.Sip.Dialogs;

/// <summary>
/// A dialog (RFC 3261 §12): Call-ID with local and remote tags, local and remote URIs, the remote target,
/// the route set and both CSeq counters. Builds in-dialog requests (§12.2.1.1) and the ACK for a 2xx (§13.2.2.4).
/// </summary>
public sealed class SipDialog
{
    private readonly List<NameAddress> _routeSet;
    private uint _localCSeq;

    private SipDialog(string callId, NameAddress local, NameAddress remote, SipUri remoteTarget, List<NameAddress> routeSet, uint localCSeq, uint? remoteCSeq, bool isUac)
    {
        CallId = callId;
        Local = local;
        Remote = remote;
        RemoteTarget = remoteTarget;
        _routeSet = routeSet;
        _localCSeq = localCSeq;
        RemoteCSeq = remoteCSeq;
        IsUac = isUac;
    }

    public string CallId { get; }
    /// <summary>Our From (UAC) or To (UAS) with our tag.</summary>
    public NameAddress Local { get; }
    /// <summary>The peer's address with its tag.</summary>
    public NameAddress Remote { get; private set; }
    public string LocalTag => Local.Tag!;
    public string? RemoteTag => Remote.Tag;
    /// <summary>Where in-dialog requests go: the peer's Contact, updated by target refreshes (§12.2).</summary>
    public SipUri RemoteTarget { get; private set; }
    public IReadOnlyList<NameAddress> RouteSet => _routeSet;
    public uint LocalCSeq => _localCSeq;
    public uint? RemoteCSeq { get; private set; }
    public bool IsUac { get; }

    /// <summary>The dialog id of §12: Call-ID, local tag, remote tag.</summary>
    public (string CallId, string LocalTag, string? RemoteTag) Id => (CallId, LocalTag, RemoteTag);

    /// <summary>UAC side (§12.1.2): from our INVITE and a 2xx or 1xx-with-To-tag; route set is Record-Route reversed.</summary>
    public static bool TryCreateAsUac(SipRequest invite, SipResponse response, out SipDialog? dialog)
    {
        dialog = null;
        if (response.To is not { Tag: { Length: > 0 } } remote || invite.From is not { Tag: { Length: > 0 } } local) return false;
        if (invite.CallId is not { } callId || invite.CSeq is not { } cseq) return false;
        var target = response.Contacts.Count > 0 ? response.Contacts[0].Uri : invite.RequestUri;
        var routes = response.RecordRoutes.Reverse().ToList();
        dialog = new SipDialog(callId, local, remote, target, routes, cseq.Number, null, isUac: true);
        return true;
    }

    /// <summary>UAS side (§12.1.1): from the INVITE received and the To tag we chose; route set is Record-Route in order.</summary>
    public static bool TryCreateAsUas(SipRequest invite, string localTag, out SipDialog? dialog)
    {
        dialog = null;
        if (invite.From is not { Tag: { Length: > 0 } } remote || invite.To is not { } to) return false;
        if (invite.CallId is not { } callId || invite.CSeq is not { } cseq || invite.Contacts.Count == 0) return false;
        dialog = new SipDialog(callId, to.WithTag(localTag), remote, invite.Contacts[0].Uri, invite.RecordRoutes.ToList(),
            (uint)Random.Shared.Next(1, 1 << 16), cseq.Number, isUac: false);
        return true;
    }

    /// <summary>
    /// A new in-dialog request (§12.2.1.1): Request-URI is the remote target (strict routing of RFC 2543
    /// proxies, §12.2.1.1's first-route-without-lr case, is not supported), Route from the route set, CSeq+1.
    /// The caller adds Via (a new branch), Contact where needed, and a body.
    /// </summary>
    public SipRequest CreateRequest(string method)
    {
        var request = SipRequest.Create(method, RemoteTarget);
        request.AddHeader(SipHeaderNames.MaxForwards, "70");
        request.AddHeader(SipHeaderNames.From, Local.ToString());
        request.AddHeader(SipHeaderNames.To, Remote.ToString());
        request.AddHeader(SipHeaderNames.CallId, CallId);
        request.AddHeader(SipHeaderNames.CSeq, Interlocked.Increment(ref _localCSeq) + " " + method);
        foreach (var route in _routeSet) request.AddHeader(SipHeaderNames.Route, route.ToString());
        return request;
    }

    /// <summary>
    /// Continues the local CSeq from requests sent in the early dialog this one confirms (RFC 3262 §4 PRACKs), so the
    /// next request is numbered above them (§12.2.1.1).
    /// </summary>
    public void ContinueLocalCSeq(uint used)
    {
        uint current;
        while ((current = Volatile.Read(ref _localCSeq)) < used && Interlocked.CompareExchange(ref _localCSeq, used, current) != current) { }
    }

    /// <summary>The ACK for a 2xx to the INVITE with CSeq number <paramref name="inviteCSeq"/> (§13.2.2.4).</summary>
    public SipRequest CreateAck(uint inviteCSeq)
    {
        var ack = SipRequest.Create(SipMethods.Ack, RemoteTarget);
        ack.AddHeader(SipHeaderNames.MaxForwards, "70");
        ack.AddHeader(SipHeaderNames.From, Local.ToString());
        ack.AddHeader(SipHeaderNames.To, Remote.ToString());
        ack.AddHeader(SipHeaderNames.CallId, CallId);
        ack.AddHeader(SipHeaderNames.CSeq, inviteCSeq + " ACK");
        foreach (var route in _routeSet) ack.AddHeader(SipHeaderNames.Route, route.ToString());
        return ack;
    }

    /// <summary>
    /// Checks an in-dialog request from the peer (§12.2.2): a CSeq lower than the last one is out of order (500);
    /// a target refresh (re-INVITE, UPDATE) with a Contact updates the remote target.
    /// </summary>
    public bool TryAcceptRemoteRequest(SipRequest request)
    {
        if (request.CSeq is not { } cseq) return false;
        if (request.Method != SipMethods.Ack && request.Method != SipMethods.Cancel)
        {
            if (RemoteCSeq is { } last && cseq.Number <= last) return false;
            RemoteCSeq = cseq.Number;
        }
        if (request.Method is SipMethods.Invite or SipMethods.Update && request.Contacts.Count > 0)
            RemoteTarget = request.Contacts[0].Uri;
        return true;
    }

    /// <summary>A 2xx to our re-INVITE/UPDATE refreshes the target too (§12.2.1.2).</summary>
    public void OnTargetRefreshResponse(SipResponse response)
    {
        if (response.IsSuccess && response.Contacts.Count > 0) RemoteTarget = response.Contacts[0].Uri;
    }

    /// <summary>True when a message belongs to this dialog (Call-ID and both tags, §12).</summary>
    public bool Matches(SipMessage message)
    {
        if (message.CallId != CallId) return false;
        var (ours, theirs) = message is SipRequest ? (message.To?.Tag, message.From?.Tag) : (message.From?.Tag, message.To?.Tag);
        return ours == LocalTag && (RemoteTag is null || theirs == RemoteTag);
    }
}
