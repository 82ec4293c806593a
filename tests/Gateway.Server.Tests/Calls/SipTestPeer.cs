using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Gateway.Sip.Auth;
using Gateway.Sip.Dialogs;
using Gateway.Sip.Messages;
using Gateway.Sip.Stack;
using Gateway.Sip.Transactions;
using Gateway.Sip.Transport;

namespace Gateway.Server.Tests.Calls;

internal enum PeerBehavior { Answer, Busy, Unavailable, Ring, Challenge, EarlyMediaThenAnswer, AnswerWithSessionTimer, MinSessionExpires3600, Manual }

/// <summary>
/// A SIP phone/trunk on our own stack at 127.0.0.1: answers INVITEs as told (ring, busy, 503, digest challenge,
/// early media), takes re-INVITEs, INFO, REFER (202 then NOTIFY 200), and can hang up or call the gateway itself.
/// </summary>
internal sealed class SipTestPeer : IAsyncDisposable
{
    public const string PcmuSdp = "v=0\r\no=peer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=sendrecv\r\n";

    private readonly ConcurrentQueue<SipRequest> _received = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly DigestServer _digest = new("test", "secret-secret-secret-secret-1234"u8.ToArray(), TimeProvider.System);
    private readonly ConcurrentDictionary<string, (IncomingRequest Invite, string Tag)> _ringing = new();

    private SipTestPeer(SipStack stack, ISipTransport transport)
    {
        Stack = stack;
        Transport = transport;
        stack.RequestReceived += r =>
        {
            try { OnRequest(r); } catch (Exception e) { Console.Error.WriteLine("peer: " + e); }
        };
        stack.CancelReceived += OnCancel;
    }

    public static SipTestPeer Start(SipTimerSettings? timers = null, bool tcp = false)
    {
        var stack = new SipStack(new SipStackOptions { Timers = timers ?? SipTimerSettings.Default });
        ISipTransport transport = tcp ? new TcpSipTransport(new IPEndPoint(IPAddress.Loopback, 0)) : new UdpSipTransport(new IPEndPoint(IPAddress.Loopback, 0));
        stack.AddTransport(transport);
        return new SipTestPeer(stack, transport);
    }

    public SipStack Stack { get; }
    public ISipTransport Transport { get; }
    public SipEndPoint EndPoint => new(Transport.Protocol, Transport.LocalEndPoint);
    public int Port => Transport.LocalEndPoint.Port;
    public PeerBehavior Behavior { get; set; } = PeerBehavior.Answer;
    /// <summary>The SDP of its 200s to INVITEs and re-INVITEs (an SRTP trunk sets its a=crypto here); the direction follows a re-offer's.</summary>
    public string AnswerSdp { get; set; } = PcmuSdp;
    /// <summary>The last 200 it sent to an INVITE or re-INVITE (a test may send it again, as a lost ACK would make it).</summary>
    public SipResponse? LastAnswer { get; private set; }
    private int _glares;
    /// <summary>Answer the next re-INVITE 491 (glare, RFC 3261 §14.2).</summary>
    public void GlareOnce() => Interlocked.Exchange(ref _glares, 1);
    /// <summary>The dialog of the last call this peer answered (UAS) or placed (UAC).</summary>
    public SipDialog? Dialog { get; private set; }
    public SipEndPoint? GatewayEndPoint { get; private set; }
    public IReadOnlyList<SipRequest> Received => [.. _received];
    /// <summary>Every provisional response to the INVITEs this peer sent with <see cref="Call"/>.</summary>
    public ConcurrentQueue<SipResponse> ProvisionalResponses { get; } = new();

    public int Count(string method) => _received.Count(r => r.Method == method);

    public async Task<SipRequest> WaitForAsync(string method, int count = 1, int timeoutMs = 5000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (true)
        {
            var matching = _received.Where(r => r.Method == method).ToList();
            if (matching.Count >= count) return matching[count - 1];
            var left = deadline - Environment.TickCount64;
            if (left <= 0) throw new TimeoutException($"peer got no {method} #{count}; got: " + string.Join(", ", _received.Select(r => r.Method)));
            await _arrived.WaitAsync(TimeSpan.FromMilliseconds(Math.Min(left, 100)));
        }
    }

    private void OnRequest(IncomingRequest incoming)
    {
        var request = incoming.Request;
        _received.Enqueue(request);
        _arrived.Release();
        var inDialog = request.To?.Tag is { Length: > 0 };
        switch (request.Method)
        {
            case SipMethods.Invite when !inDialog:
                OnInvite(incoming);
                break;
            case SipMethods.Invite when Interlocked.Exchange(ref _glares, Math.Max(0, _glares - 1)) > 0:
                Dialog?.TryAcceptRemoteRequest(request);
                incoming.Respond(491, "Request Pending");
                break;
            case SipMethods.Invite:
                var sdp = Encoding.ASCII.GetString(request.Body.Span);
                var direction = sdp.Contains("a=sendonly") ? "recvonly" : sdp.Contains("a=inactive") ? "inactive" : "sendrecv";
                Dialog?.TryAcceptRemoteRequest(request);
                var ok = SipResponse.CreateFor(request, 200);
                ok.AddHeader("Contact", Contact());
                ok.AddHeader("Content-Type", "application/sdp");
                ok.Body = Encoding.ASCII.GetBytes(AnswerSdp.Replace("o=peer 1 1", "o=peer 1 2").Replace("a=sendrecv", "a=" + direction));
                LastAnswer = ok;
                incoming.Respond(ok);
                break;
            case SipMethods.Ack:
                break;
            case SipMethods.Refer:
                incoming.Respond(202, "Accepted");
                _ = NotifyAsync();
                break;
            default:
                incoming.Respond(200);
                break;
        }
    }

    private void OnInvite(IncomingRequest incoming)
    {
        var request = incoming.Request;
        GatewayEndPoint = incoming.Source;
        var tag = SipStack.NewToken(4);
        switch (Behavior)
        {
            case PeerBehavior.Busy:
                incoming.Respond(486, toTag: tag);
                return;
            case PeerBehavior.Unavailable:
                incoming.Respond(503, toTag: tag);
                return;
            case PeerBehavior.Ring:
                incoming.Respond(180, toTag: tag);
                _ringing[request.CallId!] = (incoming, tag);
                return;
            case PeerBehavior.Manual:
                _ringing[request.CallId!] = (incoming, tag); // the test sends each response (Provisional, AnswerPending)
                return;
            case PeerBehavior.Challenge when _digest.Verify(request.GetHeader("Authorization"), request.Method, _ => "pw") != DigestVerdict.Valid:
                var challenge = SipResponse.CreateFor(request, 401, toTag: tag);
                challenge.AddHeader("WWW-Authenticate", _digest.CreateChallenge());
                incoming.Respond(challenge);
                return;
            case PeerBehavior.MinSessionExpires3600 when !uint.TryParse(request.GetHeader("Session-Expires")?.Split(';')[0], out var se) || se < 3600:
                var tooSmall = SipResponse.CreateFor(request, 422, toTag: tag);
                tooSmall.AddHeader("Min-SE", "3600");
                incoming.Respond(tooSmall);
                return;
            case PeerBehavior.EarlyMediaThenAnswer:
                var early = SipResponse.CreateFor(request, 183, toTag: tag);
                early.AddHeader("Contact", Contact());
                early.AddHeader("Content-Type", "application/sdp");
                early.Body = Encoding.ASCII.GetBytes(PcmuSdp);
                incoming.Respond(early);
                _ = Task.Delay(100).ContinueWith(_ => Answer(incoming, tag));
                return;
            default:
                incoming.Respond(180, toTag: tag);
                Answer(incoming, tag);
                return;
        }
    }

    /// <summary>
    /// A provisional response (180, or 183 with <see cref="PcmuSdp"/> when <paramref name="withSdp"/>) to the INVITE left
    /// pending; with <paramref name="rseq"/>, sent reliably (Require: 100rel, RFC 3262).
    /// </summary>
    public void Provisional(int status, bool withSdp = false, uint? rseq = null)
    {
        var (incoming, tag) = _ringing.Values.Single();
        var response = SipResponse.CreateFor(incoming.Request, status, toTag: tag);
        response.AddHeader("Contact", Contact());
        if (rseq is { } number)
        {
            response.AddHeader("Require", "100rel");
            response.AddHeader("RSeq", number.ToString());
        }
        if (withSdp)
        {
            response.AddHeader("Content-Type", "application/sdp");
            response.Body = Encoding.ASCII.GetBytes(PcmuSdp);
        }
        incoming.Respond(response);
    }

    /// <summary>200 with <see cref="PcmuSdp"/> to the INVITE left pending (Manual or Ring behaviour).</summary>
    public void AnswerPending()
    {
        var key = _ringing.Keys.Single();
        _ringing.TryRemove(key, out var pending);
        Answer(pending.Invite, pending.Tag);
    }

    private void Answer(IncomingRequest incoming, string tag)
    {
        SipDialog.TryCreateAsUas(incoming.Request, tag, out var dialog);
        Dialog = dialog;
        var ok = SipResponse.CreateFor(incoming.Request, 200, toTag: tag);
        ok.AddHeader("Contact", Contact());
        if (Behavior == PeerBehavior.AnswerWithSessionTimer)
        {
            ok.AddHeader("Session-Expires", "90;refresher=uac");
            ok.AddHeader("Require", "timer");
        }
        ok.AddHeader("Content-Type", "application/sdp");
        ok.Body = Encoding.ASCII.GetBytes(AnswerSdp);
        LastAnswer = ok;
        incoming.Respond(ok);
    }

    private void OnCancel(IncomingRequest cancel, InviteServerTransaction invite)
    {
        _received.Enqueue(cancel.Request);
        _arrived.Release();
        var tag = _ringing.TryRemove(cancel.Request.CallId!, out var ringing) ? ringing.Tag : SipStack.NewToken(4);
        invite.Respond(SipResponse.CreateFor(invite.Request, 487, toTag: tag));
    }

    public string Contact() => $"<sip:peer@{Transport.LocalEndPoint}{(Transport.Protocol == SipTransportProtocol.Tcp ? ";transport=tcp" : "")}>";

    /// <summary>A request within the current dialog, sent to the gateway.</summary>
    public Task<SipResponse> SendInDialogAsync(string method, Action<SipRequest>? build = null)
    {
        var request = Dialog!.CreateRequest(method);
        request.PrependHeader("Via", SipStack.CreateVia(Transport, out _));
        if (method is SipMethods.Invite or SipMethods.Refer or SipMethods.Notify) request.AddHeader("Contact", Contact());
        build?.Invoke(request);
        return Stack.SendRequestAsync(request, GatewayEndPoint!.Value);
    }

    /// <summary>A re-INVITE with the given direction; ACKs the 2xx.</summary>
    public async Task<SipResponse> ReInviteAsync(string direction, string? sdp = null)
    {
        var invite = Dialog!.CreateRequest(SipMethods.Invite);
        invite.PrependHeader("Via", SipStack.CreateVia(Transport, out _));
        invite.AddHeader("Contact", Contact());
        invite.AddHeader("Content-Type", "application/sdp");
        invite.Body = Encoding.ASCII.GetBytes(sdp ?? PcmuSdp.Replace("o=peer 1 1", "o=peer 1 3").Replace("a=sendrecv", "a=" + direction));
        var final = await Stack.SendInvite(invite, GatewayEndPoint!.Value).FinalResponse;
        if (final.IsSuccess)
        {
            var ack = Dialog.CreateAck(invite.CSeq!.Value.Number);
            ack.PrependHeader("Via", SipStack.CreateVia(Transport, out _));
            await Stack.SendStatelessAsync(ack, GatewayEndPoint.Value);
        }
        return final;
    }

    private async Task NotifyAsync()
    {
        await Task.Delay(20);
        await SendInDialogAsync(SipMethods.Notify, n =>
        {
            n.AddHeader("Event", "refer");
            n.AddHeader("Subscription-State", "terminated;reason=noresource");
            n.AddHeader("Content-Type", "message/sipfrag;version=2.0");
            n.Body = Encoding.ASCII.GetBytes("SIP/2.0 200 OK\r\n");
        });
    }

    // ---- as a caller (SIP -> web) ----

    /// <summary>An INVITE to the gateway for a user; provisional responses are collected.</summary>
    public (SipRequest Invite, InviteClientTransaction Transaction, ConcurrentQueue<int> Provisionals) Call(SipEndPoint gateway, string user, string? sdp = PcmuSdp, string? extraHeader = null, string from = "+441632960000")
    {
        GatewayEndPoint = gateway;
        var invite = SipRequest.Create(SipMethods.Invite, SipUri.Parse($"sip:{user}@{gateway.Address}"));
        invite.AddHeader("Via", SipStack.CreateVia(Transport, out _));
        invite.AddHeader("Max-Forwards", "70");
        invite.AddHeader("From", $"\"Front desk\" <sip:{from}@{Transport.LocalEndPoint}>;tag={SipStack.NewToken(4)}");
        invite.AddHeader("To", $"<sip:{user}@{gateway.Address}>");
        invite.AddHeader("Call-ID", SipStack.NewToken() + "@peer");
        invite.AddHeader("CSeq", "1 INVITE");
        invite.AddHeader("Contact", Contact());
        if (extraHeader is not null)
        {
            var colon = extraHeader.IndexOf(':');
            invite.AddHeader(extraHeader[..colon], extraHeader[(colon + 1)..].Trim());
        }
        if (sdp is not null)
        {
            invite.AddHeader("Content-Type", "application/sdp");
            invite.Body = Encoding.ASCII.GetBytes(sdp);
        }
        var provisionals = new ConcurrentQueue<int>();
        var tx = Stack.SendInvite(invite, gateway, r =>
        {
            ProvisionalResponses.Enqueue(r);
            provisionals.Enqueue(r.StatusCode);
        });
        return (invite, tx, provisionals);
    }

    /// <summary>ACK for the 2xx of our INVITE; the dialog becomes <see cref="Dialog"/>.</summary>
    public async Task AckAsync(SipRequest invite, SipResponse ok, string? sdp = null)
    {
        SipDialog.TryCreateAsUac(invite, ok, out var dialog);
        Dialog = dialog;
        var ack = dialog!.CreateAck(invite.CSeq!.Value.Number);
        ack.PrependHeader("Via", SipStack.CreateVia(Transport, out _));
        if (sdp is not null)
        {
            ack.AddHeader("Content-Type", "application/sdp");
            ack.Body = Encoding.ASCII.GetBytes(sdp);
        }
        await Stack.SendStatelessAsync(ack, GatewayEndPoint!.Value);
    }

    /// <summary>CANCEL for our INVITE (§9.1).</summary>
    public Task<SipResponse> CancelAsync(SipRequest invite)
    {
        var cancel = SipRequest.Create(SipMethods.Cancel, invite.RequestUri);
        cancel.AddHeader("Via", invite.GetHeader("Via")!);
        cancel.AddHeader("Max-Forwards", "70");
        cancel.AddHeader("From", invite.GetHeader("From")!);
        cancel.AddHeader("To", invite.GetHeader("To")!);
        cancel.AddHeader("Call-ID", invite.CallId!);
        cancel.AddHeader("CSeq", invite.CSeq!.Value.Number + " CANCEL");
        return Stack.SendRequestAsync(cancel, GatewayEndPoint!.Value);
    }

    public async ValueTask DisposeAsync() => await Stack.DisposeAsync();
}
