using Gateway.Sip.Messages;

namespace Gateway.Sip.Transactions;

/// <summary>
/// Non-INVITE client transaction, RFC 3261 §17.1.2 (figure 6): Trying -> Proceeding -> Completed -> Terminated.
/// Timer E retransmits (doubling up to T2; every T2 once Proceeding), Timer F gives up, Timer K absorbs
/// retransmitted responses.
/// </summary>
public sealed class NonInviteClientTransaction : IDisposable
{
    private readonly object _gate = new();
    private readonly ISipMessageSender _sender;
    private readonly SipTimerSettings _timers;
    private readonly TransactionTimer _timerE, _timerF, _timerK;
    private readonly TaskCompletionSource<SipResponse> _final = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TimeSpan _intervalE;

    public NonInviteClientTransaction(SipRequest request, ISipMessageSender sender, TimeProvider time, SipTimerSettings? timers = null)
    {
        if (request.Method is SipMethods.Invite or SipMethods.Ack) throw new ArgumentException("INVITE and ACK have no non-INVITE transaction", nameof(request));
        if (!TransactionKey.TryForRequest(request, out var key)) throw new ArgumentException("request has no Via branch", nameof(request));
        Request = request;
        Key = key;
        _sender = sender;
        _timers = timers ?? SipTimerSettings.Default;
        _timerE = new TransactionTimer(time, OnTimerE);
        _timerF = new TransactionTimer(time, OnTimerF);
        _timerK = new TransactionTimer(time, Terminate);
        _sender.TransportFailed += OnTransportError;
    }

    public SipRequest Request { get; }
    public TransactionKey Key { get; }
    public TransactionState State { get; private set; } = TransactionState.Trying;

    public event Action<SipResponse>? ProvisionalResponse;
    public event Action<NonInviteClientTransaction>? Terminated;

    /// <summary>The final response, or a synthesized 408 (Timer F) / 503 (transport error), §8.1.3.1.</summary>
    public Task<SipResponse> FinalResponse => _final.Task;

    public void Start()
    {
        lock (_gate)
        {
            _sender.Send(Request);
            if (!_sender.IsReliable)
            {
                _intervalE = _timers.T1;
                _timerE.Start(_intervalE);
            }
            _timerF.Start(_timers.Timeout);
        }
    }

    public void OnResponse(SipResponse response)
    {
        Action<SipResponse>? provisional = null;
        lock (_gate)
        {
            if (State is not (TransactionState.Trying or TransactionState.Proceeding)) return;
            if (response.IsProvisional)
            {
                State = TransactionState.Proceeding;
                provisional = ProvisionalResponse;
            }
            else
            {
                _timerE.Stop();
                _timerF.Stop();
                State = TransactionState.Completed;
                _final.TrySetResult(response);
                if (_sender.IsReliable) TerminateLocked();
                else _timerK.Start(_timers.T4);
            }
        }
        provisional?.Invoke(response);
    }

    private void OnTimerE()
    {
        lock (_gate)
        {
            if (State is not (TransactionState.Trying or TransactionState.Proceeding)) return;
            _sender.Send(Request);
            _intervalE = State == TransactionState.Proceeding ? _timers.T2 : TimeSpan.FromTicks(Math.Min(_intervalE.Ticks * 2, _timers.T2.Ticks));
            _timerE.Start(_intervalE);
        }
    }

    private void OnTimerF()
    {
        lock (_gate)
        {
            if (State is not (TransactionState.Trying or TransactionState.Proceeding)) return;
            _final.TrySetResult(SipResponse.CreateFor(Request, 408, "Request Timeout (Timer F)"));
            TerminateLocked();
        }
    }

    private void OnTransportError()
    {
        lock (_gate)
        {
            if (State is TransactionState.Terminated or TransactionState.Completed) return;
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
        _timerE.Stop();
        _timerF.Stop();
        _timerK.Stop();
        _sender.TransportFailed -= OnTransportError;
        var terminated = Terminated;
        ThreadPool.UnsafeQueueUserWorkItem(_ => terminated?.Invoke(this), null);
    }

    public void Dispose() => Terminate();
}
