using Gateway.Dialplan;
using Gateway.Sip.Messages;
using Gateway.Sip.Transport;

namespace Gateway.Server.Calls;

/// <summary>
/// Dialing out through the route (the call kinds that place an INVITE toward a trunk: <see cref="OutboundCall"/>,
/// <see cref="OriginatedCall"/>, <see cref="PhoneTrunkCall"/>): a <c>uri:</c> route dials its one target, a trunk route
/// runs the failover; each attempt comes back to the call as <see cref="TrunkDialRequested"/> (<see cref="ResolveTrunk"/>),
/// then <see cref="TrunkResolved"/> (<see cref="TargetOf"/>, the call's own offer, <see cref="RunAttempt"/>), the end as
/// <see cref="DialFinished"/>.
/// </summary>
internal abstract partial class SipBridgedCall
{
    /// <summary>The failover (off the loop): its end comes back as <see cref="DialFinished"/>.</summary>
    protected async Task DialThroughRouteAsync(CompiledDialplan plan, RouteDecision decision, ITrunkDialer dialer, CancellationToken cancellationToken)
    {
        TrunkDialResult result;
        try
        {
            if (decision.Action == RouteActionKind.Uri)
            {
                var target = OutboundCall.UriTrunk(decision.Target ?? "");
                result = target is null ? new TrunkDialResult(404, "invalid route target") : await dialer.DialAsync(target, decision, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                (result, _) = await Services.Failover.ExecuteAsync(plan, decision, dialer, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            result = new TrunkDialResult(487, "Request Terminated");
        }
        catch (Exception e)
        {
            Log.HandlerFailed(Logger, e, Id, "dial");
            result = new TrunkDialResult(500, "gateway error");
        }
        Post(new DialFinished(result));
    }

    /// <summary>One attempt on one trunk (called by <see cref="TrunkFailover"/>, off the loop): the final status of its INVITE.</summary>
    protected Task<TrunkDialResult> RequestDial(TrunkDefinition trunk, RouteDecision decision, CancellationToken cancellationToken)
    {
        var step = new DialStep(trunk, decision, cancellationToken);
        Post(new TrunkDialRequested(step));
        return step.Result.Task;
    }

    /// <summary>
    /// A requested step's first half: the CDR's trunk (the last one tried, answered or not), the trunk's call limit (not
    /// for a <c>uri:</c> target), then its address resolved off the loop (back as <see cref="TrunkResolved"/>).
    /// </summary>
    protected void ResolveTrunk(DialStep step, CompiledDialplan plan)
    {
        var trunk = step.Trunk;
        TrunkName = trunk.Name;
        if (trunk.Name != "uri" && (step.Lease = Services.Limits.TryAcquireTrunk(plan, trunk.Name)) is null)
        {
            step.Complete(new TrunkDialResult(503, $"trunk {trunk.Name} is full"));
            return;
        }
        if (!SipUri.TryParse(trunk.Uri, out var trunkUri))
        {
            step.Complete(TrunkDialResult.TransportError($"cannot reach {trunk.Uri}"));
            return;
        }
        _ = Services.Sip.ResolveAsync(trunkUri!, trunk.Transport, step.Cancellation).ContinueWith(
            t => Post(new TrunkResolved(step, t.IsCompletedSuccessfully ? t.Result : null)),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>A resolved step's destination and Request-URI (the target itself for <c>uri:</c>, else the number at the trunk); null: the step failed.</summary>
    protected static (SipEndPoint To, SipUri RequestUri)? TargetOf(DialStep step, SipEndPoint? destination)
    {
        var trunk = step.Trunk;
        if (destination is not { } to || !SipUri.TryParse(trunk.Uri, out var trunkUri))
        {
            step.Complete(TrunkDialResult.TransportError($"cannot reach {trunk.Uri}"));
            return null;
        }
        return (to, trunk.Name == "uri" ? trunkUri! : OutboundCall.RequestUriFor(trunkUri!, step.Decision.Normalized));
    }

    /// <summary>Sends the attempt's INVITE: the call found by its Call-ID, Calling, its final response back as <see cref="TrunkFinal"/>.</summary>
    protected void RunAttempt(DialStep step, TrunkAttempt attempt, Action onInviteSent)
    {
        Services.Registry.TryAddSip(attempt.CallId, this);
        TraceSipCallId(attempt.CallId);
        MoveTo(CallState.Calling, CallState.Routing);
        // RunAsync hands the INVITE to the transport before its first await: onInviteSent runs here, on the loop.
        _ = attempt.RunAsync(onInviteSent).ContinueWith(
            t => Post(new TrunkFinal(step, attempt, t.IsCompletedSuccessfully ? t.Result : SipResponse.CreateFor(attempt.Invite, 500, "Server Internal Error (gateway)"))),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// An attempt's final response: a 2xx keeps the trunk's lease and is the call's answer (<paramref name="onAnswered"/>);
    /// anything else frees the attempt's Call-ID and is logged; the failover hears the status either way.
    /// </summary>
    protected void CompleteAttempt(DialStep step, TrunkAttempt attempt, SipResponse final, Action<TrunkAttempt, SipResponse> onAnswered)
    {
        Services.Metrics.SipResponse(final.StatusCode);
        if (final.IsSuccess)
        {
            Keep(step.TakeLease());
            onAnswered(attempt, final);
        }
        else
        {
            Services.Registry.RemoveSip(attempt.CallId, this);
            Log.AttemptFailed(Logger, Id, attempt.Trunk.Name, final.StatusCode, final.ReasonPhrase);
        }
        step.Complete(new TrunkDialResult(final.StatusCode, final.ReasonPhrase));
    }
}
