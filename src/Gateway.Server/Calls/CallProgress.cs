namespace Gateway.Server.Calls;

/// <summary>The steps of an originated call its backend hears of (POST /api/v1/calls, callbackUrl).</summary>
public enum OriginateProgress
{
    /// <summary>The dialed party's side rings (180/183).</summary>
    Ringing,
    /// <summary>The dialed party answered (2xx): the web user is rung now.</summary>
    Answered,
    /// <summary>The web user answered: audio flows both ways.</summary>
    Bridged,
    /// <summary>The call is over (code, reason and outcome as in the CDR).</summary>
    Ended,
}

/// <summary>One step of an originated call.</summary>
public sealed record CallProgress(OriginateProgress Event, DateTimeOffset At, int? Code = null, string? Reason = null, string? Outcome = null);

/// <summary>Where an originated call reports its steps; called on the call's loop, so it must neither block nor throw.</summary>
public interface ICallProgressSink
{
    void Report(CallProgress progress);
}
