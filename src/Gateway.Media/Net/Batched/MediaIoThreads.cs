namespace Gateway.Media.Net.Batched;

/// <summary>
/// The batched media threads of one engine (about one per core). A session's sockets all go to one thread, the one
/// with the fewest sockets, so its relay runs on one core and its outgoing packets share that thread's batches.
/// </summary>
internal sealed class MediaIoThreads : IDisposable
{
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

    /// <summary>The least loaded thread (ties: the first).</summary>
    public MediaIoThread Pick()
    {
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
