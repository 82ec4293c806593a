namespace Gateway.Sip.Reliability;

/// <summary>What the UAC does with a provisional response to its INVITE (RFC 3262 §4).</summary>
public enum ProvisionalVerdict
{
    /// <summary>Not sent reliably (no Require: 100rel, or we did not offer it): processed as RFC 3261 says.</summary>
    Unreliable,
    /// <summary>The next reliable provisional of its dialog (the first, or RSeq one higher): PRACK it, then process it.</summary>
    Acknowledge,
    /// <summary>Same dialog, CSeq and RSeq as one already received: a retransmission, discarded.</summary>
    Retransmission,
    /// <summary>RSeq more than one higher than the last in order: not PRACKed, not processed (the UAS retransmits the missing one).</summary>
    OutOfOrder,
    /// <summary>Require: 100rel with a missing or malformed RSeq, no To tag, or one early dialog too many: discarded.</summary>
    Malformed,
}
