using Gateway.Sip.Messages;
using Gateway.Sip.Transactions;

namespace Gateway.Sip.Reliability;

/// <summary>
/// The UAS side of RFC 3262 §3 for one INVITE: each reliable provisional response gets Require: 100rel and the next
/// RSeq, and is passed to the transaction again at T1, 2*T1, 4*T1... until its PRACK arrives; after 64*T1 without one,
/// <see cref="GaveUp"/> tells the UAS core to reject the INVITE with a 5xx. A second reliable provisional waits for the
/// first one's PRACK, and a 2xx waits for the PRACK of an unacknowledged one that carried a session description.
/// Timers run on an injected <see cref="TimeProvider"/>; the lock guards only this object's own state.
/// </summary>
public sealed class ReliableProvisionalSender : IDisposable
{
    /// <summary>Reliable provisionals waiting behind the unacknowledged one (the UAS core sends a handful at most).</summary>
    public const int MaxQueued = 4;

    private readonly object _gate = new();
    private readonly SipRequest _invite;
    private readonly Action<SipResponse> _send;
    private readonly SipTimerSettings _timers;
    private readonly TimeProvider _time;
    private readonly TransactionTimer _retransmit;
    private readonly Queue<SipResponse> _queued = new();
    private SipResponse? _unacked;
    private SipResponse? _held2xx;
    private TimeSpan _interval;
    private long _firstSentTimestamp;
    private uint _nextRSeq;
    private SenderPhase _phase = SenderPhase.Open;

    /// <param name="send">Hands a response to the INVITE server transaction.</param>
    /// <param name="initialRSeq">§3: chosen uniformly between 1 and 2**31 - 1 unless a test fixes it.</param>
    public ReliableProvisionalSender(SipRequest invite, Action<SipResponse> send, TimeProvider time, SipTimerSettings? timers = null, uint? initialRSeq = null)
    {
        _invite = invite;
        _send = send;
        _time = time;
        _timers = timers ?? SipTimerSettings.Default;
        _retransmit = new TransactionTimer(time, OnRetransmit);
        _nextRSeq = initialRSeq ?? (uint)Random.Shared.Next(1, int.MaxValue);
    }

    /// <summary>64*T1 passed without the PRACK (§3): the UAS core should answer the INVITE 5xx.</summary>
    public event Action? GaveUp;

    /// <summary>The RSeq of the reliable provisional still awaiting its PRACK, if any.</summary>
    public uint? Unacknowledged { get { lock (_gate) return _unacked is { } r ? RSeqOf(r) : null; } }

    /// <summary>True when the INVITE asks for (Require) or allows (Supported) reliable provisionals (§4).</summary>
    public static bool IsSupportedBy(SipRequest request) =>
        SessionExpiresValue.ListsOption(request, SipHeaderNames.Require, ReliabilityGrammar.OptionTag)
        || SessionExpiresValue.ListsOption(request, SipHeaderNames.Supported, ReliabilityGrammar.OptionTag);

    /// <summary>True when the INVITE requires reliable provisionals (Require: 100rel).</summary>
    public static bool IsRequiredBy(SipRequest request) => SessionExpiresValue.ListsOption(request, SipHeaderNames.Require, ReliabilityGrammar.OptionTag);

    /// <summary>Sends a 101-199 reliably, or queues it behind the unacknowledged one; false when dropped (queue full, or final sent).</summary>
    public bool Send(SipResponse provisional)
    {
        if (provisional.StatusCode is <= 100 or >= 200) throw new ArgumentException("only 101-199 are sent reliably (§3)", nameof(provisional));
        lock (_gate)
        {
            if (_phase != SenderPhase.Open) return false;
            provisional.AddHeader(SipHeaderNames.Require, ReliabilityGrammar.OptionTag);
            provisional.SetHeader(SipHeaderNames.RSeq, (_nextRSeq++).ToString());
            if (_unacked is not null)
            {
                if (_queued.Count >= MaxQueued) return false;
                _queued.Enqueue(provisional);
                return true;
            }
            StartLocked(provisional);
        }
        _send(provisional);
        return true;
    }

    /// <summary>
    /// A PRACK in the INVITE's dialog (§3): true when its RAck names the unacknowledged provisional (the UAS core answers
    /// 200), false otherwise (481). Acknowledging sends what waited on it: the next queued provisional or a held 2xx.
    /// </summary>
    public bool OnPrack(SipRequest prack)
    {
        SipResponse? next;
        lock (_gate)
        {
            if (_unacked is not { } unacked || prack.GetHeader(SipHeaderNames.RAck) is not { } header || !RAckValue.TryParse(header, out var rack)) return false;
            if (rack.ResponseNumber != RSeqOf(unacked) || rack.Method != SipMethods.Invite || rack.CSeqNumber != _invite.CSeq?.Number) return false;
            _retransmit.Stop();
            _unacked = null;
            if (_queued.TryDequeue(out next)) StartLocked(next);
            else if (_held2xx is { } held)
            {
                next = held;
                _held2xx = null;
            }
        }
        if (next is not null) _send(next);
        return true;
    }

    /// <summary>
    /// The INVITE's final response: sent at once, unless it is a 2xx and the unacknowledged provisional carried a
    /// session description (§3), then it goes with that PRACK. Retransmissions and the queue stop either way. After
    /// <see cref="GaveUp"/> only a non-2xx goes.
    /// </summary>
    public void SendFinal(SipResponse final)
    {
        lock (_gate)
        {
            if (_phase == SenderPhase.Final || (_phase == SenderPhase.GaveUp && final.IsSuccess)) return;
            _phase = SenderPhase.Final;
            var offerPending = _unacked is { } u && !u.Body.IsEmpty;
            _queued.Clear();
            if (final.IsSuccess && offerPending)
            {
                _held2xx = final;
                return;
            }
            _retransmit.Stop();
            _unacked = null;
        }
        _send(final);
    }

    private void StartLocked(SipResponse provisional)
    {
        _unacked = provisional;
        _interval = _timers.T1;
        _firstSentTimestamp = _time.GetTimestamp();
        _retransmit.Start(_interval);
    }

    private void OnRetransmit()
    {
        SipResponse? again;
        var gaveUp = false;
        lock (_gate)
        {
            again = _unacked;
            if (again is null) return;
            var elapsed = _time.GetElapsedTime(_firstSentTimestamp);
            if (elapsed >= _timers.Timeout)
            {
                // §3: 64*T1 of retransmissions without a PRACK.
                again = null;
                gaveUp = true;
                _unacked = null;
                _held2xx = null;
                _queued.Clear();
                _phase = SenderPhase.GaveUp;
            }
            else
            {
                _interval *= 2;
                _retransmit.Start(TimeSpan.FromTicks(Math.Min(_interval.Ticks, (_timers.Timeout - elapsed).Ticks)));
            }
        }
        if (again is not null) _send(again);
        if (gaveUp) GaveUp?.Invoke();
    }

    private static uint RSeqOf(SipResponse response) =>
        RSeqValue.TryParse(response.GetHeader(SipHeaderNames.RSeq), out var rseq) ? rseq.Number : 0;

    public void Dispose()
    {
        lock (_gate)
        {
            if (_phase == SenderPhase.Open) _phase = SenderPhase.Final;
            _retransmit.Stop();
        }
    }

    private enum SenderPhase
    {
        /// <summary>Provisionals may be sent.</summary>
        Open,
        /// <summary>The final response went (or waits for the PRACK of an offer/answer).</summary>
        Final,
        /// <summary>64*T1 without a PRACK: only a 5xx (or other non-2xx) may go.</summary>
        GaveUp,
    }
}
