using Microsoft.Extensions.Logging;

namespace Gateway.Sip.Protection;

/// <summary>
/// Keeps a receive loop running: when its body throws (out of memory, a bug, a socket error it did not expect), the loop is
/// marked down in <see cref="SipReceiveHealth"/>, restarted after a back-off that doubles up to <see cref="MaxDelay"/>, and
/// marked up again once the body reports progress. Only the stop token ends it.
/// </summary>
internal sealed class ReceiveLoopRunner(string name, SipReceiveHealth health, ILogger logger, TimeSpan initialDelay, TimeProvider time)
{
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(10);
    private volatile bool _down;
    private TimeSpan _delay;

    /// <summary>Called by the body after each unit of work that succeeded (a datagram received, a connection accepted).</summary>
    public void Alive()
    {
        if (!_down) return;
        _down = false;
        _delay = TimeSpan.Zero; // the next failure starts the back-off again
        health.MarkUp(name);
        SipProtectionLog.LoopRestarted(logger, name);
    }

    /// <summary>Runs <paramref name="body"/> until it returns or <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(Func<Task> body, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await body();
                return;
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _down = true;
                if (_delay == TimeSpan.Zero) _delay = initialDelay;
                try
                {
                    health.MarkDown(name, e.GetType().Name + ": " + e.Message);
                    SipProtectionLog.LoopFailed(logger, e, name, _delay);
                }
                catch (Exception)
                {
                    // Out of memory again while reporting: the restart below still happens.
                }
                try
                {
                    await Task.Delay(_delay, time, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                _delay = TimeSpan.FromTicks(Math.Min(_delay.Ticks * 2, MaxDelay.Ticks));
            }
        }
    }
}
