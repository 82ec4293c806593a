using Gateway.Sip.Dialogs;
using Gateway.Sip.Messages;

namespace Gateway.Sip.Reliability;

/// <summary>
/// The UAC side of RFC 3262 §4 for one INVITE: follows the RSeq of each early dialog (a forked INVITE has one per UAS),
/// tells the caller which provisionals to PRACK and process, which are retransmissions and which came out of order, and
/// builds each PRACK in its early dialog with the RAck of §7.2. Called from the INVITE client transaction's thread.
/// </summary>
public sealed class ReliableProvisionalReceiver(SipRequest invite)
{
    /// <summary>Early dialogs followed at once; a forking proxy's answers beyond it are discarded.</summary>
    public const int MaxEarlyDialogs = 16;

    private readonly object _gate = new();
    private readonly Dictionary<string, EarlyDialog> _dialogs = new(StringComparer.Ordinal);

    /// <summary>Classifies a provisional response to the INVITE; for <see cref="ProvisionalVerdict.Acknowledge"/> also the PRACK to send (without Via).</summary>
    public ProvisionalVerdict Receive(SipResponse provisional, out SipRequest? prack)
    {
        prack = null;
        if (provisional.StatusCode is <= 100 or >= 200 || !SessionExpiresValue.ListsOption(provisional, SipHeaderNames.Require, ReliabilityGrammar.OptionTag))
            return ProvisionalVerdict.Unreliable;
        if (!RSeqValue.TryParse(provisional.GetHeader(SipHeaderNames.RSeq), out var rseq) || provisional.To?.Tag is not { Length: > 0 } tag
            || provisional.CSeq is not { } cseq)
            return ProvisionalVerdict.Malformed;
        lock (_gate)
        {
            if (!_dialogs.TryGetValue(tag, out var early))
            {
                // §4: the first reliable provisional of a dialog sets its sequence.
                if (_dialogs.Count >= MaxEarlyDialogs || !SipDialog.TryCreateAsUac(invite, provisional, out var dialog)) return ProvisionalVerdict.Malformed;
                early = new EarlyDialog(dialog!, rseq.Number - 1);
                _dialogs[tag] = early;
            }
            if (rseq.Number <= early.LastRSeq) return ProvisionalVerdict.Retransmission;
            if (rseq.Number != early.LastRSeq + 1) return ProvisionalVerdict.OutOfOrder;
            early.LastRSeq = rseq.Number;
            prack = early.Dialog.CreateRequest(SipMethods.Prack);
            prack.AddHeader(SipHeaderNames.RAck, new RAckValue(rseq.Number, cseq.Number, cseq.Method).ToString());
            return ProvisionalVerdict.Acknowledge;
        }
    }

    /// <summary>The last CSeq the early dialog with this remote tag used (its PRACKs), so the confirmed dialog goes on from it; null when none.</summary>
    public uint? LocalCSeq(string? remoteTag)
    {
        lock (_gate) return remoteTag is not null && _dialogs.TryGetValue(remoteTag, out var early) ? early.Dialog.LocalCSeq : null;
    }

    private sealed class EarlyDialog(SipDialog dialog, uint lastRSeq)
    {
        public SipDialog Dialog { get; } = dialog;
        public uint LastRSeq { get; set; } = lastRSeq;
    }
}
