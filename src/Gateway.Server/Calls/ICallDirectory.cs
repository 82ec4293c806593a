namespace Gateway.Server.Calls;

/// <summary>
/// The read-only view of live calls for operators (Api/): a snapshot of records, and one way to hang a call up.
/// Ids are the directory's own ("k12-3fa0"), unique in the process: browsers choose their call ids per session.
/// </summary>
public interface ICallDirectory
{
    /// <summary>Every live call, oldest first.</summary>
    IReadOnlyList<CallSnapshot> Snapshot();

    /// <summary>One live call, or null when there is none by that id (or it has ended).</summary>
    CallSnapshot? Find(string id);

    /// <summary>
    /// Hangs the call up on both sides with the operator's cause (BYE with Reason "Terminated by operator", CANCEL or
    /// 487 before answer, the browser's hangup); <paramref name="by"/> is logged and kept in the CDR. False when there is no such call.
    /// </summary>
    bool HangUp(string id, string by);
}

/// <summary>Direction of a call as the API reports it.</summary>
public enum CallDirection
{
    /// <summary>Browser to SIP (or to a built-in app).</summary>
    Outbound,
    /// <summary>SIP to a web user.</summary>
    Inbound,
    /// <summary>Placed by the operator API (POST /api/v1/calls): the number first, then the web user.</summary>
    Originated,
}

/// <summary>Where a live call is (the public mirror of the call layer's state).</summary>
public enum CallPhase
{
    Routing, Calling, Ringing, EarlyMedia, Offering, Connecting, Active, Cancelling, Ended,
}

/// <summary>One call at one moment: who, where it was routed, its codec and its live media quality.</summary>
public sealed record CallSnapshot(
    string Id,
    CallDirection Direction,
    string From,
    string To,
    string? Route,
    string? Trunk,
    string? Codec,
    CallPhase State,
    DateTimeOffset StartedAt,
    DateTimeOffset? AnsweredAt,
    TimeSpan Duration,
    CallMediaSnapshot? Media);

/// <summary>
/// Live media counters of a call: packets lost (RFC 3550 §6.4.1 cumulative lost, both legs) against those expected,
/// and the interarrival jitter (RFC 3550 §6.4.1, A.8) of the worse leg, in milliseconds.
/// </summary>
public sealed record CallMediaSnapshot(long PacketsIn, long PacketsOut, long PacketsLost, double LossRatio, double JitterMs);
