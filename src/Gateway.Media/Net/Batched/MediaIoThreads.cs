namespace Gateway.Media.Net.Batched;

/// <summary>
/// The batched media threads of one engine (about one per core). A session's sockets all go to one thread, so its relay
/// runs on one core and its outgoing packets share that thread's batches. Threads are filled one after the other up to
/// <see cref="PackSockets"/> (at a few calls one thread wakes, not all of them: each busy thread costs up to one wake-up
/// per tick), then the least loaded one takes the next session.
/// </summary>
internal sealed class MediaIoThreads : IDisposable
{
    /// <summary>Sockets a thread takes before the next thread gets any (3 per session: about 128 sessions).</summary>
    public const int PackSockets = 384;

    private readonly MediaIoThread[] _threads;

    public MediaIoThreads(int count, TimeSpan tick)
    {
        _threads = new MediaIoThread[count];
        try
        {
            for (int i = 0; i < count; i++) _threads[i] = new MediaIoThread(i, tick);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public int Count => _threads.Length;

    /// <summary>The first thread below <see cref="PackSockets"/>, else the least loaded one (ties: the first).</summary>
    public MediaIoThread Pick()
    {
        foreach (var thread in _threads)
            if (thread.SocketCount < PackSockets) return thread;
        var best = _threads[0];
        for (int i = 1; i < _threads.Length; i++)
            if (_threads[i].SocketCount < best.SocketCount) best = _threads[i];
        return best;
    }

    public MediaIoStats Stats
    {
        get
        {
            var total = default(MediaIoStats);
            foreach (var thread in _threads) total += thread.Stats;
            return total;
        }
    }

    public void Dispose()
    {
        foreach (var thread in _threads) thread?.Dispose();
    }
}
