using Gateway.Dialplan;

namespace Gateway.Server.Calls;

/// <summary>
/// One attempt on one trunk the failover asked of an outbound call (<see cref="ITrunkDialer"/>): it travels through the
/// call's loop (requested, resolved, final) and its answer goes back to the failover through <see cref="Result"/>.
/// Holds the trunk's limit lease until the attempt fails (released) or answers (the call keeps it).
/// </summary>
internal sealed class DialStep(TrunkDefinition trunk, RouteDecision decision, CancellationToken cancellation)
{
    public TrunkDefinition Trunk => trunk;
    public RouteDecision Decision => decision;
    public CancellationToken Cancellation => cancellation;
    public TaskCompletionSource<TrunkDialResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public IDisposable? Lease { get; set; }

    /// <summary>The lease leaves the step (the answered call keeps it).</summary>
    public IDisposable? TakeLease()
    {
        var lease = Lease;
        Lease = null;
        return lease;
    }

    public void Complete(TrunkDialResult result)
    {
        TakeLease()?.Dispose();
        Result.TrySetResult(result);
    }
}
