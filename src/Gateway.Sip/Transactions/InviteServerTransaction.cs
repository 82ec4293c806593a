using Gateway.Sip.Messages;

namespace Gateway.Sip.Transactions;

/// <summary>
/// INVITE server transaction, RFC 3261 §17.2.1 (figure 7): Proceeding -> Completed -> Confirmed -> Terminated.
/// Retransmitted INVITEs get the last provisional again; a non-2xx final is retransmitted on Timer G until the
/// ACK arrives or Timer H fires; Timer I absorbs ACK retransmissions. A 2xx ends the transaction at once: the
/// TU retransmits it until its ACK arrives (§13.3.1.4).
/// </summary>
public sealed class InviteServerTransaction : IDisposable
{
    private readonly object _gate = new();
    private readonly ISipMessageSender _sender;
    private readonly SipTimerSettings _timers;
    private readonly TransactionTimer _timerG, _timerH, _timerI, _trying;
    private SipResponse? _lastResponse;
    private TimeSpan _intervalG;

    public InviteServerTransaction(SipRequest invite, ISipMessageSender sender, TimeProvider time, SipTimerSettings? timers = null)
    {
        if (invite.Method != SipMethods.Invite) throw new ArgumentException("not an INVITE", nameof(invite));
        if (!TransactionKey.TryForRequest(invite, out var key)) throw new ArgumentException("INVITE has no Via branch", nameof(invite));
        Request = invite;
        Key = key;
        _sender = sender;
        _timers = timers ?? SipTimerSettings.Default;
        _timerG = new TransactionTimer(time, OnTimerG);
        _timerH = new TransactionTimer(time, OnTimerH);
        _timerI = new TransactionTimer(time, Terminate);
        _trying = new TransactionTimer(time, SendTrying);
        // §17.2.1: send 100 Trying unless the TU answers within 200 ms.
        _trying.Start(TimeSpan.FromMilliseconds(200));
    }

    public SipRequest Request { get; }
    public TransactionKey Key { get; }
    public TransactionState State { get; private set; } = TransactionState.Proceeding;

    /// <summary>Timer H fired: the ACK never came (§17.2.1); the TU should end the dialog attempt.</summary>
    public event Action<InviteServerTransaction>? AckTimeout;
    public event Action<InviteServerTransaction>? Terminated;

    /// <summary>Sends a response from the TU.</summary>
    public void Respond(SipResponse response)
    {
        lock (_gate)
        {
            if (State != TransactionState.Proceeding) return;
            _trying.Stop();
            _lastResponse = response;
            _sender.Send(response);
            if (response.IsProvisional) return;
            if (response.IsSuccess)
            {
                TerminateLocked();
                return;
            }
            State = TransactionState.Completed;
            if (!_sender.IsReliable)
            {
                _intervalG = _timers.T1;
                _timerG.Start(_intervalG);
            }
            _timerH.Start(_timers.Timeout);
        }
    }

    /// <summary>A retransmitted INVITE or the ACK for a non-2xx response, matched by the transaction layer.</summary>
    public void OnRequest(SipRequest request)
    {
        lock (_gate)
        {
            if (request.Method == SipMethods.Invite)
            {
                if (State is TransactionState.Proceeding or TransactionState.Completed && _lastResponse is not null)
                    _sender.Send(_lastResponse);
                return;
            }
            if (request.Method == SipMethods.Ack && State == TransactionState.Completed)
            {
                _timerG.Stop();
                _timerH.Stop();
                State = TransactionState.Confirmed;
                if (_sender.IsReliable) TerminateLocked();
                else _timerI.Start(_timers.T4);
            }
        }
    }

    private void SendTrying()
    {
        lock (_gate)
        {
            if (State != TransactionState.Proceeding || _lastResponse is not null) return;
            _lastResponse = SipResponse.CreateFor(Request, 100);
            _sender.Send(_lastResponse);
        }
    }

    private void OnTimerG()
    {
        lock (_gate)
        {
            if (State != TransactionState.Completed) return;
            _sender.Send(_lastResponse!);
            _intervalG = TimeSpan.FromTicks(Math.Min(_intervalG.Ticks * 2, _timers.T2.Ticks));
            _timerG.Start(_intervalG);
        }
    }

    private void OnTimerH()
    {
        lock (_gate)
        {
            if (State != TransactionState.Completed) return;
            TerminateLocked();
        }
        AckTimeout?.Invoke(this);
    }

    private void Terminate()
    {
        lock (_gate) TerminateLocked();
    }

    private void TerminateLocked()
    {
        if (State == TransactionState.Terminated) return;
        State = TransactionState.Terminated;
        _timerG.Stop();
        _timerH.Stop();
        _timerI.Stop();
        _trying.Stop();
        var terminated = Terminated;
        ThreadPool.UnsafeQueueUserWorkItem(_ => terminated?.Invoke(this), null);
    }

    public void Dispose() => Terminate();
}
