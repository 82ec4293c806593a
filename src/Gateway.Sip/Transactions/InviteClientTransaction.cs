using Gateway.Sip.Messages;

namespace Gateway.Sip.Transactions;

/// <summary>
/// INVITE client transaction, RFC 3261 §17.1.1 (figure 5) as updated by RFC 6026 §8.4: Calling -> Proceeding ->
/// Completed -> Terminated for a non-2xx, Calling/Proceeding -> Accepted -> Terminated for a 2xx. Timer A retransmits
/// over unreliable transports, Timer B gives up, Timer D absorbs retransmitted non-2xx finals (acknowledged here,
/// §17.1.1.3). A 2xx is passed up and the TU sends its ACK; in Accepted, until Timer M (64*T1), each further 2xx
/// (a retransmission, or another fork's) goes to <see cref="SuccessRetransmitted"/> instead of being a stray response.
/// </summary>
public sealed class InviteClientTransaction : IDisposable
{
    private readonly object _gate = new();
    private readonly ISipMessageSender _sender;
    private readonly SipTimerSettings _timers;
    private readonly TransactionTimer _timerA, _timerB, _timerD, _timerM;
    private readonly TaskCompletionSource<SipResponse> _final = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TimeSpan _intervalA;
    private SipRequest? _ack;

    public InviteClientTransaction(SipRequest invite, ISipMessageSender sender, TimeProvider time, SipTimerSettings? timers = null)
    {
        if (invite.Method != SipMethods.Invite) throw new ArgumentException("not an INVITE", nameof(invite));
        if (!TransactionKey.TryForRequest(invite, out var key)) throw new ArgumentException("INVITE has no Via branch", nameof(invite));
        Request = invite;
        Key = key;
        _sender = sender;
        _timers = timers ?? SipTimerSettings.Default;
        _timerA = new TransactionTimer(time, OnTimerA);
        _timerB = new TransactionTimer(time, OnTimerB);
        _timerD = new TransactionTimer(time, Terminate);
        _timerM = new TransactionTimer(time, Terminate);
        _sender.TransportFailed += OnTransportError;
    }

    public SipRequest Request { get; }
    public TransactionKey Key { get; }
    public TransactionState State { get; private set; } = TransactionState.Calling;

    /// <summary>Every provisional response, in order (§17.1.1.2: passed to the TU).</summary>
    public event Action<SipResponse>? ProvisionalResponse;

    /// <summary>The final response; a synthesized 408 on Timer B, 503 on transport error (§8.1.3.1).</summary>
    public Task<SipResponse> FinalResponse => _final.Task;

    /// <summary>A 2xx received in Accepted (RFC 6026 §8.4): the TU sends the same ACK again (or ACKs and BYEs another fork's).</summary>
    public event Action<SipResponse>? SuccessRetransmitted;

    /// <summary>Raised once when the machine reaches Terminated, so the owner can forget it.</summary>
    public event Action<InviteClientTransaction>? Terminated;

    public void Start()
    {
        lock (_gate)
        {
            _sender.Send(Request);
            if (!_sender.IsReliable)
            {
                _intervalA = _timers.T1;
                _timerA.Start(_intervalA);
            }
            _timerB.Start(_timers.Timeout);
        }
    }

    /// <summary>A response matched to this transaction by the transaction layer (§17.1.3).</summary>
    public void OnResponse(SipResponse response)
    {
        Action<SipResponse>? passUp = null;
        lock (_gate)
        {
            switch (State)
            {
                case TransactionState.Calling or TransactionState.Proceeding when response.IsProvisional:
                    _timerA.Stop();
                    State = TransactionState.Proceeding;
                    passUp = ProvisionalResponse;
                    break;
                case TransactionState.Calling or TransactionState.Proceeding when response.IsSuccess:
                    // RFC 6026 §8.4: Accepted absorbs the 2xx retransmissions until Timer M.
                    _timerA.Stop();
                    _timerB.Stop();
                    State = TransactionState.Accepted;
                    _final.TrySetResult(response);
                    _timerM.Start(_timers.Timeout);
                    break;
                case TransactionState.Accepted when response.IsSuccess:
                    passUp = SuccessRetransmitted;
                    break;
                case TransactionState.Calling or TransactionState.Proceeding:
                    _timerA.Stop();
                    _timerB.Stop();
                    _ack = BuildAck(response);
                    _sender.Send(_ack);
                    State = TransactionState.Completed;
                    _final.TrySetResult(response);
                    var d = _timers.TimerD(_sender.IsReliable);
                    if (d == TimeSpan.Zero) TerminateLocked();
                    else _timerD.Start(d);
                    break;
                case TransactionState.Completed when response.StatusCode >= 300:
                    _sender.Send(_ack!); // retransmitted final response: ACK again (§17.1.1.2)
                    break;
            }
        }
        passUp?.Invoke(response);
    }

    /// <summary>ACK for a non-2xx final response (§17.1.1.3): same Request-URI, Call-ID, From, top Via, Route; To from the response.</summary>
    private SipRequest BuildAck(SipResponse response)
    {
        var ack = SipRequest.Create(SipMethods.Ack, Request.RequestUri);
        foreach (var h in Request.Headers)
        {
            if (h.Name == SipHeaderNames.Via) { ack.AddHeader(h.Name, h.Value); break; }
        }
        foreach (var h in Request.Headers)
        {
            switch (h.Name)
            {
                case SipHeaderNames.From or SipHeaderNames.CallId or SipHeaderNames.Route or SipHeaderNames.MaxForwards:
                    ack.AddHeader(h.Name, h.Value);
                    break;
            }
        }
        ack.AddHeader(SipHeaderNames.To, response.GetHeader(SipHeaderNames.To) ?? Request.GetHeader(SipHeaderNames.To) ?? "");
        ack.AddHeader(SipHeaderNames.CSeq, Request.CSeq!.Value.Number + " ACK");
        return ack;
    }

    private void OnTimerA()
    {
        lock (_gate)
        {
            if (State != TransactionState.Calling) return;
            _sender.Send(Request);
            _intervalA *= 2;
            _timerA.Start(_intervalA);
        }
    }

    private void OnTimerB()
    {
        lock (_gate)
        {
            // §17.1.1.2: Timer B bounds the Calling state only; once a provisional arrived the INVITE may ring
            // for as long as the TU lets it (the TU cancels it, §9.1).
            if (State != TransactionState.Calling) return;
            _final.TrySetResult(SipResponse.CreateFor(Request, 408, "Request Timeout (Timer B)"));
            TerminateLocked();
        }
    }

    private void OnTransportError()
    {
        lock (_gate)
        {
            if (State is TransactionState.Terminated or TransactionState.Completed or TransactionState.Accepted) return;
            _final.TrySetResult(SipResponse.CreateFor(Request, 503, "Service Unavailable (transport error)"));
            TerminateLocked();
        }
    }

    private void Terminate()
    {
        lock (_gate) TerminateLocked();
    }

    private void TerminateLocked()
    {
        if (State == TransactionState.Terminated) return;
        State = TransactionState.Terminated;
        _timerA.Stop();
        _timerB.Stop();
        _timerD.Stop();
        _timerM.Stop();
        _sender.TransportFailed -= OnTransportError;
        var terminated = Terminated;
        ThreadPool.UnsafeQueueUserWorkItem(_ => terminated?.Invoke(this), null);
    }

    public void Dispose() => Terminate();
}
