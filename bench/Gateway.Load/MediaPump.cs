using System.Diagnostics;

namespace Gateway.Load;

/// <summary>
/// One 20 ms <see cref="PeriodicTimer"/> sends for every call (not a timer per call): each tick walks an immutable
/// array of legs (replaced on add/remove, so a tick allocates nothing) and writes every packet into one scratch
/// buffer. Ticks missed under load are coalesced by the timer; the send time in each payload keeps latency exact.
/// </summary>
public sealed class MediaPump : IAsyncDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(20);
    private readonly Lock _tickLock = new();
    private readonly CancellationTokenSource _stop = new();
    private MediaLeg[] _legs = [];
    private Task _loop = Task.CompletedTask;

    public int Count => Volatile.Read(ref _legs).Length;
    public long Ticks { get; private set; }
    public long LateTicks { get; private set; }

    public void Start() => _loop = Task.Factory.StartNew(LoopAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    public void Add(MediaLeg leg)
    {
        lock (_tickLock) _legs = [.. _legs, leg];
    }

    /// <summary>Removes the leg; once this returns no tick is using it, so it may be disposed.</summary>
    public void Remove(MediaLeg leg)
    {
        lock (_tickLock)
        {
            var i = Array.IndexOf(_legs, leg);
            if (i < 0) return;
            var next = new MediaLeg[_legs.Length - 1];
            Array.Copy(_legs, 0, next, 0, i);
            Array.Copy(_legs, i + 1, next, i, _legs.Length - i - 1);
            _legs = next;
        }
    }

    private async Task LoopAsync()
    {
        var scratch = new byte[1500];
        using var timer = new PeriodicTimer(Period);
        var last = Stopwatch.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                var now = Stopwatch.GetTimestamp();
                if (Stopwatch.GetElapsedTime(last, now) > Period * 1.5) LateTicks++;
                last = now;
                Ticks++;
                lock (_tickLock)
                {
                    foreach (var leg in _legs) leg.OnTick(scratch);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
