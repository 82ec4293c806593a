using Gateway.Sip.Messages;

namespace Gateway.Sip.Transactions;

/// <summary>
/// INVITE server transaction, RFC 3261 §17.2.1 (figure 7) as updated by RFC 6026 §7.1:
/// Proceeding -> Completed -> Confirmed -> Terminated for a non-2xx, Proceeding -> Accepted -> Terminated for a 2xx.
/// Retransmitted INVITEs get the last provisional again; a non-2xx final is retransmitted on Timer G until the
/// ACK arrives or Timer H fires; Timer I absorbs ACK retransmissions. In Accepted, INVITE retransmissions are
/// absorbed until Timer L, and the 2xx is retransmitted on the UAS core's behalf (§13.3.1.4: T1 doubling to T2)
/// until <see cref="OnAckFor2xx"/> is called.
/// </summary>
public sealed class InviteServerTransaction : IDisposable
{
    private readonly object _gate = new();
    private readonly ISipMessageSender _sender;
    private readonly SipTimerSettings _timers;
    private readonly TransactionTimer _timerG, _timerH, _timerI, _trying, _timerL;
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
        _timerL = new TransactionTimer(time, OnTimerL);
        // §17.2.1: send 100 Trying unless the TU answers within 200 ms.
        _trying.Start(TimeSpan.FromMilliseconds(200));
    }

    public SipRequest Request { get; }
    public TransactionKey Key { get; }
    public TransactionState State { get; private set; } = TransactionState.Proceeding;

    /// <summary>Timer H fired (no ACK for a non-2xx, §17.2.1) or Timer L fired before the ACK for a 2xx (§13.3.1.4): the TU should end the call.</summary>
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
                State = TransactionState.Accepted;
                _timerL.Start(_timers.Timeout);
                if (!_sender.IsReliable)
                {
                    _intervalG = _timers.T1;
                    _timerG.Start(_intervalG);
                }
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

    /// <summary>The ACK for our 2xx arrived (it is its own transaction, matched by the stack on Call-ID and CSeq).</summary>
    public void OnAckFor2xx()
    {
        lock (_gate)
        {
            if (State == TransactionState.Accepted) _timerG.Stop();
            AckReceived = true;
        }
    }

    public bool AckReceived { get; private set; }

    private void OnTimerL()
    {
        bool missingAck;
        lock (_gate)
        {
            if (State != TransactionState.Accepted) return;
            missingAck = !AckReceived;
            TerminateLocked();
        }
        if (missingAck) AckTimeout?.Invoke(this);
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
            if (State is not (TransactionState.Completed or TransactionState.Accepted)) return;
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
        _timerL.Stop();
        var terminated = Terminated;
        ThreadPool.UnsafeQueueUserWorkItem(_ => terminated?.Invoke(this), null);
    }

    public void Dispose() => Terminate();
}
