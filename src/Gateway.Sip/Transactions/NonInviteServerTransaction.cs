using Gateway.Sip.Messages;

namespace Gateway.Sip.Transactions;

/// <summary>
/// Non-INVITE server transaction, RFC 3261 §17.2.2 (figure 8): Trying -> Proceeding -> Completed -> Terminated.
/// Retransmitted requests get the last response again; Timer J keeps the final response for absorbing them.
/// </summary>
public sealed class NonInviteServerTransaction : IDisposable
{
    private readonly object _gate = new();
    private readonly ISipMessageSender _sender;
    private readonly SipTimerSettings _timers;
    private readonly TransactionTimer _timerJ;
    private SipResponse? _lastResponse;

    public NonInviteServerTransaction(SipRequest request, ISipMessageSender sender, TimeProvider time, SipTimerSettings? timers = null)
    {
        if (!TransactionKey.TryForRequest(request, out var key)) throw new ArgumentException("request has no Via branch", nameof(request));
        Request = request;
        Key = key;
        _sender = sender;
        _timers = timers ?? SipTimerSettings.Default;
        _timerJ = new TransactionTimer(time, Terminate);
    }

    public SipRequest Request { get; }
    public TransactionKey Key { get; }
    public TransactionState State { get; private set; } = TransactionState.Trying;
    public event Action<NonInviteServerTransaction>? Terminated;

    public void Respond(SipResponse response)
    {
        lock (_gate)
        {
            if (State is not (TransactionState.Trying or TransactionState.Proceeding)) return;
            _lastResponse = response;
            _sender.Send(response);
            if (response.IsProvisional)
            {
                State = TransactionState.Proceeding;
                return;
            }
            State = TransactionState.Completed;
            if (_sender.IsReliable) TerminateLocked();
            else _timerJ.Start(_timers.Timeout);
        }
    }

    /// <summary>A retransmission of the request (§17.2.2): resend the last response, if any.</summary>
    public void OnRequest(SipRequest request)
    {
        lock (_gate)
        {
            if (State is TransactionState.Proceeding or TransactionState.Completed && _lastResponse is not null)
                _sender.Send(_lastResponse);
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
        _timerJ.Stop();
        var terminated = Terminated;
        ThreadPool.UnsafeQueueUserWorkItem(_ => terminated?.Invoke(this), null);
    }

    public void Dispose() => Terminate();
}
