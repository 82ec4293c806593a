namespace Gateway.Server.Calls;

/// <summary>An operator hangs the call up (DELETE /api/v1/calls/{id}): its own cause on every side, and who did it.</summary>
internal abstract partial class GatewayCall
{
    /// <summary>The cause an operator's hangup gives: the BYE's RFC 3326 Reason text, the browser's hangup reason, the CDR reason.</summary>
    public const string OperatorCause = "Terminated by operator";

    /// <summary>Who hung the call up, when an operator did (kept in the CDR).</summary>
    protected string? EndedBy { get; private set; }

    /// <summary>Posts the operator's hangup; <paramref name="by"/> describes the caller (token fingerprint or address).</summary>
    public void HangUpByOperator(string by) => Post(new OperatorHangupRequested(by));

    /// <summary>
    /// The one end path with the operator's cause: answered, BYE with <c>Reason: SIP;cause=200;text="Terminated by
    /// operator"</c> and "hangup" 200; before answer, the kind's own (CANCEL in flight, 487 to an offered INVITE), the
    /// browser hears 487 with the same text; a dialog up before answer (an originated call ringing its web user) gets the
    /// same BYE. Outcome: answered, else cancelled.
    /// </summary>
    protected virtual void HandleOperatorHangup(string by)
    {
        EndedBy = by;
        Log.OperatorHangup(Logger, Id, State, by);
        End(IsAnswered
            ? new CallEnd(200, OperatorCause, "answered") { ByeReason = (200, OperatorCause) }
            : new CallEnd(487, OperatorCause, "cancelled") { ByeReason = (200, OperatorCause) });
    }
}
