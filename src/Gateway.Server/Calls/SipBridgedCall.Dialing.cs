using Gateway.Dialplan;

namespace Gateway.Server.Calls;

/// <summary>
/// Dialing out through the route (the call kinds that place an INVITE toward a trunk: <see cref="OutboundCall"/>,
/// <see cref="OriginatedCall"/>): a <c>uri:</c> route dials its one target, a trunk route runs the failover; each
/// attempt comes back to the call as <see cref="TrunkDialRequested"/>, the end as <see cref="DialFinished"/>.
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
}
