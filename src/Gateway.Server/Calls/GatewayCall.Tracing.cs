using System.Diagnostics;
using Gateway.Server.Observability;

namespace Gateway.Server.Calls;

/// <summary>
/// The call's span (ActivitySource "Gateway", <see cref="GatewayActivity"/>): started with the call, an event per step
/// (route, INVITE, 18x, 200, ICE connected, DTLS connected, end), the SIP Call-ID as <c>sip.call_id</c>, stopped when
/// the call finishes. Without a listener there is no activity and every method here returns at once; the media path
/// is not involved (ICE and DTLS report once each).
/// </summary>
internal abstract partial class GatewayCall
{
    /// <summary>Null when nobody listens to the source (then no call pays for tracing).</summary>
    private readonly Activity? _activity;

    /// <summary>A root span: the ambient activity of the thread creating the call (a WebSocket or HTTP request) is neither its parent nor changed.</summary>
    private Activity? StartTrace()
    {
        if (!GatewayActivity.Source.HasListeners()) return null;
        var ambient = Activity.Current;
        Activity.Current = null;
        var activity = GatewayActivity.Source.StartActivity("call " + Direction, ActivityKind.Server);
        Activity.Current = ambient;
        activity?.SetTag("gateway.call.id", Id);
        activity?.SetTag("gateway.call.direction", Direction);
        activity?.SetTag("gateway.call.from", From);
        activity?.SetTag("gateway.call.to", To);
        return activity;
    }

    /// <summary>The SIP dialog's Call-ID (the last attempt's, after failover).</summary>
    protected void TraceSipCallId(string callId) => _activity?.SetTag("sip.call_id", callId);

    /// <summary>A state change as the trace's step: the route on leaving Routing, then what the new state means in SIP.</summary>
    private void TraceMove(CallState from, CallState to)
    {
        if (_activity is not { } activity) return;
        if (from == CallState.Routing)
            activity.AddEvent(new ActivityEvent("route", tags: new ActivityTagsCollection { ["gateway.route"] = Route, ["gateway.trunk"] = TrunkName }));
        if (StepName(Direction, to) is { } step)
            activity.AddEvent(new ActivityEvent(step, tags: new ActivityTagsCollection { ["gateway.call.state"] = to.ToString() }));
    }

    /// <summary>The SIP step a state change stands for: INVITE sent, 18x, 200 (received, or sent for an inbound call), the bridge.</summary>
    internal static string? StepName(string direction, CallState to) => (direction, to) switch
    {
        (_, CallState.Calling) => "INVITE",
        (_, CallState.Ringing or CallState.EarlyMedia) => "18x",
        ("inbound", CallState.Offering) => "INVITE",
        ("originated", CallState.Offering) => "200",
        ("inbound" or "phone", CallState.Connecting) => "200",
        ("inbound" or "phone", CallState.Active) => "ACK",
        ("originated", CallState.Active) => "bridged",
        (_, CallState.Active) => "200",
        (_, CallState.Cancelling) => "CANCEL",
        _ => null,
    };

    /// <summary>ICE connected / DTLS connected, from the media's thread (Activity.AddEvent is thread-safe).</summary>
    private void TraceMedia(MediaMilestone milestone) =>
        _activity?.AddEvent(new ActivityEvent(milestone == MediaMilestone.IceConnected ? "ICE connected" : "DTLS connected"));

    private void EndTrace(CallEnd end)
    {
        if (_activity is not { } activity) return;
        activity.AddEvent(new ActivityEvent("end", tags: new ActivityTagsCollection
        {
            ["gateway.call.cause"] = end.Code, ["gateway.call.reason"] = end.Reason, ["gateway.call.outcome"] = end.Outcome,
        }));
        activity.SetTag("gateway.call.outcome", end.Outcome);
        if (end.Outcome == "failed") activity.SetStatus(ActivityStatusCode.Error, end.Reason);
        var ambient = Activity.Current;
        activity.Stop();
        Activity.Current = ambient;
    }
}
