using Gateway.Media.Bridge;
using Gateway.Server.Observability;

namespace Gateway.Server.Calls;

/// <summary>The one way a call ends: the SIP action its state needs, then the browser's notice, the outcome and the cleanup.</summary>
internal abstract partial class GatewayCall
{
    /// <summary>
    /// Ends the call: the kind tells the SIP side what its state needs (<see cref="EndSipSide"/>), then the call is
    /// finished at once, or, when the SIP side must answer first (a CANCEL waiting for the INVITE's final response),
    /// as soon as it has. Later calls are ignored.
    /// </summary>
    protected void End(CallEnd end)
    {
        if (State == CallState.Ended) return;
        if (end.Sip == SipEnd.ByState && !EndSipSide(end)) return;
        Finish(end);
    }

    /// <summary>
    /// Sends what the SIP side needs to end the call in its state; false when the call must wait for the SIP side
    /// (it then calls <see cref="Finish"/> itself). No SIP side here: nothing to send.
    /// </summary>
    protected virtual bool EndSipSide(CallEnd end) => true;

    /// <summary>
    /// Leaves every table, frees media, timers and limits, counts the outcome, writes the CDR and tells the browser
    /// (when <see cref="CallEnd.Web"/> asks). Only <see cref="End"/> and a kind waiting on its SIP side call it.
    /// </summary>
    protected void Finish(CallEnd end)
    {
        if (State == CallState.Ended) return;
        Log.StateChanged(Logger, Id, State, CallState.Ended);
        _state = CallState.Ended;
        OnFinished();
        foreach (var r in _resources)
        {
            try { r.Dispose(); } catch (Exception e) { Log.HandlerFailed(Logger, e, Id, "release"); }
        }
        _resources.Clear();
        var stats = default(MediaSessionStats);
        if (Media is { } media)
        {
            try { stats = media.Stats; } catch (Exception e) when (e is NotImplementedException or ObjectDisposedException) { }
            _ = DisposeMediaAsync(media);
        }
        Services.Metrics.CallEnded(end.Outcome);
        var lost = stats.WebPacketsLost + stats.SipPacketsLost;
        Services.Metrics.ObservePacketLoss(lost, stats.WebPacketsIn + stats.SipPacketsIn + lost);
        WriteCdr(end.Code, end.Reason, stats);
        // Out of the tables once counted and written: whoever waits for no calls (the drain, then the exit) sees both,
        // and before the browser is told, so its next call finds the session free.
        Services.Registry.Remove(this);
        if (end.Web == WebNotice.Hangup && Web is { } web) SendHangup(web, Id, end.WebCode, end.WebReason);
        Log.CallEnded(Logger, Id, end.Code, end.Reason, end.Outcome);
        EndTrace(end);
        OnEnded(end);
    }

    /// <summary>The kind's own cleanup when the call is finished (timers beyond <see cref="Keep"/>).</summary>
    protected virtual void OnFinished() { }

    /// <summary>After everything else: how the call ended, for a kind that reports it (an originated call's backend).</summary>
    protected virtual void OnEnded(CallEnd end) { }

    private async Task DisposeMediaAsync(ICallMedia media)
    {
        try { await media.DisposeAsync(); }
        catch (Exception e) { Log.HandlerFailed(Logger, e, Id, "media dispose"); }
    }

    private void WriteCdr(int code, string reason, MediaSessionStats stats)
    {
        try
        {
            var end = Services.Time.GetUtcNow();
            Services.Cdr.Write(new CallDetailRecord(Id, Direction, _start, _answered, end, From, To, Route, TrunkName, code, reason,
                _answered is { } a ? (end - a).TotalSeconds : 0,
                stats.WebPacketsOut, stats.SipPacketsOut, stats.WebPacketsLost + stats.SipPacketsLost,
                Math.Max(stats.WebJitterMs, stats.SipJitterMs), RecordingPath, EndedBy));
        }
        catch (Exception e)
        {
            Log.HandlerFailed(Logger, e, Id, "cdr");
        }
    }
}
