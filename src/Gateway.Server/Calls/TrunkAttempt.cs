using Gateway.Dialplan;
using Gateway.Sdp;
using Gateway.Sdp.Translation;
using Gateway.Sip.Auth;
using Gateway.Sip.Identity;
using Gateway.Sip.Messages;
using Gateway.Sip.Reliability;
using Gateway.Sip.Stack;
using Gateway.Sip.Transactions;
using Gateway.Sip.Transport;

namespace Gateway.Server.Calls;

/// <summary>
/// One INVITE toward one trunk for an outbound call (RFC 3261 §13.2): builds and sends it, answers one Digest
/// challenge with the trunk's credentials (§22.2), relays provisional responses to the call, and cancels it
/// (§9.1: only once a provisional response has arrived, so the CANCEL cannot overtake the INVITE). No provisional
/// response within the trunk's invite_timeout abandons the INVITE (a dead next hop; §17.1.1.2 Timer B would take 64*T1).
/// Its events come from the transaction (provisionals), the call's loop (cancel) and a timer: they meet in one
/// <see cref="AttemptPhase"/> changed by compare-and-swap, so none needs a lock. With the trunk's <c>prack</c> on, each
/// reliable provisional (RFC 3262 §4) is PRACKed in order before the call sees it; retransmissions and gaps never reach it.
/// </summary>
internal sealed class TrunkAttempt
{
    private readonly SipAddressing _sip;
    private readonly Action<TrunkAttempt, SipResponse> _onProvisional;
    private readonly TaskCompletionSource<SipResponse> _abandoned = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeProvider _time;
    private int _phase = (int)AttemptPhase.Sent;
    private volatile InviteClientTransaction? _transaction;
    private volatile ReliableProvisionalReceiver? _reliable;

    /// <param name="divertedBy">For a transfer's new leg, the transferor's URI: named in Diversion or History-Info when the trunk's redirect asks.</param>
    public TrunkAttempt(SipAddressing sip, TrunkDefinition trunk, SipEndPoint destination, SipUri requestUri, OutboundIdentity identity,
        SessionDescription sipOffer, BrowserOffer? browser, uint sessionExpires, Action<TrunkAttempt, SipResponse> onProvisional,
        TimeProvider? time = null, string? divertedBy = null)
    {
        _sip = sip;
        _time = time ?? TimeProvider.System;
        _onProvisional = onProvisional;
        Trunk = trunk;
        Destination = destination;
        SipOffer = sipOffer;
        Browser = browser;
        CallId = SipStack.NewToken(12) + "@" + sip.Domain;
        Invite = BuildInvite(identity, identity.Target(requestUri), sessionExpires, divertedBy);
    }

    public TrunkDefinition Trunk { get; }
    public SipEndPoint Destination { get; }
    public SessionDescription SipOffer { get; }
    /// <summary>The browser's offer this INVITE translates (null for a transferee's new leg, which keeps the browser's media as is).</summary>
    public BrowserOffer? Browser { get; }
    public string CallId { get; }
    /// <summary>The INVITE in flight (the second one after a Digest challenge).</summary>
    public SipRequest Invite { get; private set; }
    public InviteClientTransaction? Transaction => _transaction;
    public AttemptPhase Phase => (AttemptPhase)Volatile.Read(ref _phase);
    /// <summary>Stopwatch timestamp of the final response's arrival at the call layer.</summary>
    public long FinalTimestamp { get; private set; }
    /// <summary>The INVITE was abandoned because no provisional response came within invite_timeout.</summary>
    public bool TimedOut { get; private set; }
    /// <summary>An RFC 3326 Reason for the CANCEL (a fork answered elsewhere: cause 200), set before <see cref="RequestCancel"/>.</summary>
    public string? CancelReason { get; set; }

    private SipRequest BuildInvite(OutboundIdentity identity, SipUri requestUri, uint sessionExpires, string? divertedBy)
    {
        var invite = SipRequest.Create(SipMethods.Invite, requestUri);
        invite.AddHeader(SipHeaderNames.Via, _sip.CreateVia(Destination));
        invite.AddHeader(SipHeaderNames.MaxForwards, "70");
        identity.Apply(invite, SipStack.NewToken(6));
        invite.AddHeader(SipHeaderNames.To, "<" + StripParameters(requestUri) + (requestUri.GetParameter("user") == "phone" ? ";user=phone" : "") + ">");
        switch (divertedBy is null ? RedirectHeaderKind.None : Trunk.Redirect)
        {
            case RedirectHeaderKind.Diversion: invite.AddHeader(SipHeaderNames.Diversion, IdentityHeaders.Diversion(divertedBy!)); break;
            case RedirectHeaderKind.HistoryInfo: invite.AddHeader(SipHeaderNames.HistoryInfo, IdentityHeaders.HistoryInfo(divertedBy!, StripParameters(requestUri))); break;
        }
        invite.AddHeader(SipHeaderNames.CallId, CallId);
        invite.AddHeader(SipHeaderNames.CSeq, "1 INVITE");
        invite.AddHeader(SipHeaderNames.Contact, _sip.CreateContact(Destination));
        invite.AddHeader(SipHeaderNames.Allow, CallServices.Allow);
        // RFC 3262 §4: Supported (or Require) 100rel per the trunk's prack.
        invite.AddHeader(SipHeaderNames.Supported, Trunk.Prack == TrunkPrackMode.Supported ? CallServices.Supported + ", 100rel" : CallServices.Supported);
        if (Trunk.Prack == TrunkPrackMode.Required) invite.AddHeader(SipHeaderNames.Require, "100rel");
        if (sessionExpires > 0) invite.AddHeader(SipHeaderNames.SessionExpires, sessionExpires.ToString()); // RFC 4028 §7.1
        invite.AddHeader(SipHeaderNames.UserAgent, CallServices.UserAgent);
        SipCallLeg.SetSdp(invite, SipOffer);
        return invite;
    }

    /// <summary>RFC 3261 §25.1: user = 1*( unreserved / escaped / user-unreserved ); anything else is %-escaped.</summary>
    internal static string EscapeUser(string user)
    {
        var sb = new System.Text.StringBuilder(user.Length);
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(user))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || "-_.!~*'()&=+$,;?/".Contains(c)) sb.Append(c);
            else sb.Append('%').Append(b.ToString("X2"));
        }
        return sb.Length == 0 ? "anonymous" : sb.ToString();
    }

    private static string StripParameters(SipUri uri) =>
        uri.IsSip ? uri.Scheme + ":" + (uri.User is null ? "" : uri.User + "@") + uri.Host + (uri.Port is { } p ? ":" + p : "") : uri.ToString();

    /// <summary>Sends the INVITE (and one authenticated retry); completes with the final response.</summary>
    public async Task<SipResponse> RunAsync(Action onSent)
    {
        var final = await SendAsync(onSent);
        if (final.StatusCode is 401 or 407 && Authenticate(final) is { } retry && Retry(retry)) final = await SendAsync(null);
        // RFC 4028 §7.4: 422 names the smallest interval the peer accepts; ask again with it, once.
        if (final.StatusCode == 422 && uint.TryParse(final.GetHeader("Min-SE")?.Split(';')[0].Trim(), out var minSe) && Retry(Reissue(Invite, minSe)))
            final = await SendAsync(null);
        return final;
    }

    /// <summary>A new INVITE in the same attempt (Digest, 422): none once a cancel was asked for; it awaits its own provisional.</summary>
    private bool Retry(SipRequest next)
    {
        while (true)
        {
            var phase = Phase;
            if (phase is not (AttemptPhase.Sent or AttemptPhase.Provisional)) return false;
            Invite = next;
            if (Move(phase, AttemptPhase.Sent)) return true;
        }
    }

    private bool Move(AttemptPhase from, AttemptPhase to) => Interlocked.CompareExchange(ref _phase, (int)to, (int)from) == (int)from;

    /// <summary>The INVITE again (CSeq + 1, new branch) with a new Session-Expires and Min-SE.</summary>
    private SipRequest Reissue(SipRequest invite, uint sessionExpires)
    {
        var again = SipRequest.Create(SipMethods.Invite, invite.RequestUri);
        foreach (var h in invite.Headers)
        {
            switch (h.Name)
            {
                case SipHeaderNames.Via: again.AddHeader(h.Name, _sip.CreateVia(Destination)); break;
                case SipHeaderNames.CSeq: again.AddHeader(h.Name, (invite.CSeq!.Value.Number + 1) + " INVITE"); break;
                case SipHeaderNames.SessionExpires or "Min-SE" or SipHeaderNames.ContentLength: break;
                default: again.AddHeader(h.Name, h.Value); break;
            }
        }
        again.AddHeader(SipHeaderNames.SessionExpires, sessionExpires.ToString());
        again.AddHeader("Min-SE", sessionExpires.ToString());
        again.Body = invite.Body;
        return again;
    }

    private async Task<SipResponse> SendAsync(Action? onSent)
    {
        _reliable = Trunk.Prack == TrunkPrackMode.Off ? null : new ReliableProvisionalReceiver(Invite);
        var tx = _sip.Stack.SendInvite(Invite, Destination, OnProvisional);
        _transaction = tx;
        onSent?.Invoke();
        using var noResponse = _time.CreateTimer(_ => OnInviteTimeout(tx), null, Trunk.Liveness.InviteTimeout, Timeout.InfiniteTimeSpan);
        var final = await Task.WhenAny(tx.FinalResponse, _abandoned.Task).Unwrap();
        FinalTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
        return final;
    }

    /// <summary>
    /// invite_timeout: nothing heard, not even 100 Trying. No CANCEL is possible before a provisional response (§9.1),
    /// so the transaction is dropped (its retransmissions stop) and the attempt ends as a 408 the failover counts.
    /// </summary>
    private void OnInviteTimeout(InviteClientTransaction tx)
    {
        var phase = Phase;
        if (phase is AttemptPhase.Provisional or AttemptPhase.CancelSent || !ReferenceEquals(tx, Transaction)) return;
        var cancelled = phase == AttemptPhase.CancelRequested;
        TimedOut = !cancelled;
        _abandoned.TrySetResult(cancelled
            ? SipResponse.CreateFor(Invite, 487, "Request Terminated (abandoned)")
            : SipResponse.CreateFor(Invite, 408, TrunkDialResult.InviteTimeout(Trunk.Liveness.InviteTimeout).Reason));
        tx.Dispose();
    }

    /// <summary>§22.2: the same INVITE with credentials, CSeq + 1, a new branch; null when we cannot answer.</summary>
    private SipRequest? Authenticate(SipResponse challenge)
    {
        if (Trunk.Username is not { } user || Trunk.Password is not { } password) return null;
        var proxy = challenge.StatusCode == 407;
        var header = challenge.GetHeader(proxy ? SipHeaderNames.ProxyAuthenticate : SipHeaderNames.WwwAuthenticate);
        if (header is null || !new DigestClient(user, password).TryAnswer(header, SipMethods.Invite, Invite.RequestUri.ToString(), out var credentials))
            return null;
        var retry = SipRequest.Create(SipMethods.Invite, Invite.RequestUri);
        foreach (var h in Invite.Headers)
        {
            switch (h.Name)
            {
                case SipHeaderNames.Via: retry.AddHeader(h.Name, _sip.CreateVia(Destination)); break;
                case SipHeaderNames.CSeq: retry.AddHeader(h.Name, (Invite.CSeq!.Value.Number + 1) + " INVITE"); break;
                case SipHeaderNames.ContentLength: break;
                default: retry.AddHeader(h.Name, h.Value); break;
            }
        }
        retry.AddHeader(proxy ? SipHeaderNames.ProxyAuthorization : SipHeaderNames.Authorization, credentials!);
        retry.Body = Invite.Body;
        return retry;
    }

    /// <summary>The last CSeq the early dialog with this remote tag used for PRACKs (the confirmed dialog goes on above it).</summary>
    public uint? EarlyDialogCSeq(string? remoteTag) => _reliable?.LocalCSeq(remoteTag);

    /// <summary>RFC 3262 §4: PRACK the next reliable provisional; false for a retransmission, a gap or a malformed one (discarded).</summary>
    private bool Acknowledge(SipResponse response)
    {
        if (_reliable is not { } reliable) return true;
        switch (reliable.Receive(response, out var prack))
        {
            case ProvisionalVerdict.Unreliable:
                return true;
            case ProvisionalVerdict.Acknowledge:
                prack!.PrependHeader(SipHeaderNames.Via, _sip.CreateVia(Destination));
                prack.AddHeader(SipHeaderNames.UserAgent, CallServices.UserAgent);
                _ = _sip.Stack.SendRequestAsync(prack, Destination);
                return true;
            default:
                return false;
        }
    }

    private void OnProvisional(SipResponse response)
    {
        if (!Acknowledge(response)) return;
        while (true)
        {
            switch (Phase)
            {
                case AttemptPhase.Sent when Move(AttemptPhase.Sent, AttemptPhase.Provisional):
                case AttemptPhase.Provisional:
                    _onProvisional(this, response);
                    return;
                case AttemptPhase.CancelRequested when Move(AttemptPhase.CancelRequested, AttemptPhase.CancelSent):
                    SendCancel(); // §9.1: the provisional shows the INVITE arrived; the CANCEL asked for earlier goes now
                    return;
                case AttemptPhase.CancelSent:
                    return;
            }
        }
    }

    /// <summary>Cancels the INVITE now, or as soon as a provisional response shows it arrived (§9.1).</summary>
    public void RequestCancel()
    {
        while (true)
        {
            switch (Phase)
            {
                case AttemptPhase.Sent when Move(AttemptPhase.Sent, AttemptPhase.CancelRequested):
                    return;
                case AttemptPhase.Provisional when Move(AttemptPhase.Provisional, AttemptPhase.CancelSent):
                    SendCancel();
                    return;
                case AttemptPhase.CancelRequested or AttemptPhase.CancelSent:
                    return;
            }
        }
    }

    /// <summary>§9.1: CANCEL with the INVITE's Request-URI, Call-ID, From, To, CSeq number, top Via and Route.</summary>
    private void SendCancel()
    {
        var invite = Invite;
        var cancel = SipRequest.Create(SipMethods.Cancel, invite.RequestUri);
        foreach (var h in invite.Headers)
        {
            if (h.Name == SipHeaderNames.Via) { cancel.AddHeader(h.Name, h.Value); break; }
        }
        foreach (var h in invite.Headers)
        {
            if (h.Name is SipHeaderNames.From or SipHeaderNames.To or SipHeaderNames.CallId or SipHeaderNames.Route or SipHeaderNames.MaxForwards)
                cancel.AddHeader(h.Name, h.Value);
        }
        cancel.AddHeader(SipHeaderNames.CSeq, invite.CSeq!.Value.Number + " CANCEL");
        if (CancelReason is { } reason) cancel.AddHeader("Reason", reason);
        _ = _sip.Stack.SendRequestAsync(cancel, Destination);
    }

    /// <summary>Gives up on the INVITE (no final response long after the CANCEL): the transaction is dropped.</summary>
    public void Abandon()
    {
        _abandoned.TrySetResult(SipResponse.CreateFor(Invite, 487, "Request Terminated (abandoned)"));
        Transaction?.Dispose();
    }
}

/// <summary>Where one attempt's INVITE is, as far as cancelling it goes (RFC 3261 §9.1).</summary>
internal enum AttemptPhase
{
    /// <summary>Sent; nothing but silence heard, so no CANCEL may go yet.</summary>
    Sent,
    /// <summary>A provisional response arrived: a CANCEL may go.</summary>
    Provisional,
    /// <summary>The call gave up before any provisional: the CANCEL goes with the first one.</summary>
    CancelRequested,
    /// <summary>CANCEL sent; waiting for the INVITE's final response (487, or a 2xx that crossed it).</summary>
    CancelSent,
}
