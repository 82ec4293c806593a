using System.Collections.Concurrent;

namespace Gateway.Server.Calls;

/// <summary>
/// One call's event queue with a single runner: <see cref="Post"/> enqueues from any thread, and whichever thread finds
/// the call idle drains the queue, one event at a time, in order (the thread that posts into an idle call runs it at
/// once, so an event costs no thread hop). Events posted by a handler run after it returns, never inside it.
/// Bounded: a party that floods one call (a browser's messages, a peer's requests) is refused past
/// <see cref="Capacity"/> queued events, and the caller answers the refusal (error, 503).
/// </summary>
internal sealed class CallMailbox(Action<CallEvent> handle)
{
    /// <summary>Queued events at most; a call handles each in microseconds, so this is only reached by a flood.</summary>
    public const int Capacity = 256;

    private readonly ConcurrentQueue<CallEvent> _queue = new();
    private int _count;
    private int _running;
    private int _held;

    /// <summary>Queues an event; false (nothing queued) when the call already has <see cref="Capacity"/> waiting.</summary>
    public bool Post(CallEvent e)
    {
        if (Interlocked.Increment(ref _count) > Capacity && e is not CallEvent.Internal)
        {
            Interlocked.Decrement(ref _count);
            return false;
        }
        _queue.Enqueue(e);
        Queued?.Invoke(e);
        Drain();
        return true;
    }

    /// <summary>Events waiting (tests look at what is queued before releasing a held mailbox).</summary>
    public IReadOnlyList<CallEvent> Pending => [.. _queue];

    /// <summary>Tests: told of each event as it is queued (to wait for a SIP response to reach a held call).</summary>
    internal Action<CallEvent>? Queued { get; set; }

    /// <summary>Tests: queue events without running them until <see cref="Release"/>, to choose their order.</summary>
    internal void Hold() => Volatile.Write(ref _held, 1);

    /// <summary>
    /// Tests: runs what is queued now on this thread and stays held. Waits out a runner still finishing its event, so
    /// the events are never left to a runner that stops at the hold (a post racing <see cref="Release"/> then
    /// <see cref="Hold"/> could take the queue and stop after one event).
    /// </summary>
    internal void RunQueued()
    {
        var spin = new SpinWait();
        while (Interlocked.CompareExchange(ref _running, 1, 0) != 0) spin.SpinOnce();
        try
        {
            while (_queue.TryDequeue(out var e))
            {
                Interlocked.Decrement(ref _count);
                handle(e);
            }
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    internal void Release()
    {
        Volatile.Write(ref _held, 0);
        Drain();
    }

    private void Drain()
    {
        // The runner re-checks after giving up the flag: an event queued just before that is not left behind.
        while (Volatile.Read(ref _held) == 0 && !_queue.IsEmpty && Interlocked.CompareExchange(ref _running, 1, 0) == 0)
        {
            try
            {
                while (Volatile.Read(ref _held) == 0 && _queue.TryDequeue(out var e))
                {
                    Interlocked.Decrement(ref _count);
                    handle(e);
                }
            }
            finally
            {
                Volatile.Write(ref _running, 0);
            }
        }
    }
}
