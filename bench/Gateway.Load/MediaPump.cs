using System.Diagnostics;

namespace Gateway.Load;

/// <summary>
/// One timer loop sends for every call (not a timer per call). Calls are spread over 10 phases of 2 ms so the
/// 20 ms packets of many calls do not leave in one burst (browsers are not in phase either, and a burst of 1,000
/// datagrams overflows a peer's 208 KiB socket buffer). The loop wakes every 2 ms on a <see cref="PeriodicTimer"/>
/// and sends each phase that is due; each phase walks an immutable array of legs (replaced on add/remove), so a
/// tick allocates nothing. A phase late by more than a period skips ahead rather than sending a burst.
/// </summary>
public sealed class MediaPump : IAsyncDisposable
{
    private const int Phases = 10;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(2);
    private static readonly long PeriodTicks = Stopwatch.Frequency / 50; // 20 ms
    private readonly Lock _tickLock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly MediaLeg[][] _phases = Enumerable.Range(0, Phases).Select(_ => Array.Empty<MediaLeg>()).ToArray();
    private int _added;
    private int _count;
    private Task _loop = Task.CompletedTask;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Phases sent more than 10 ms late (the machine could not keep up).</summary>
    public long LateTicks { get; private set; }

    public void Start() => _loop = Task.Factory.StartNew(LoopAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    public void Add(MediaLeg leg)
    {
        lock (_tickLock)
        {
            var p = _added++ % Phases;
            _phases[p] = [.. _phases[p], leg];
            _count++;
        }
    }

    /// <summary>Removes the leg; once this returns no tick is using it, so it may be disposed.</summary>
    public void Remove(MediaLeg leg)
    {
        lock (_tickLock)
        {
            for (var p = 0; p < Phases; p++)
            {
                var legs = _phases[p];
                var i = Array.IndexOf(legs, leg);
                if (i < 0) continue;
                var next = new MediaLeg[legs.Length - 1];
                Array.Copy(legs, 0, next, 0, i);
                Array.Copy(legs, i + 1, next, i, legs.Length - i - 1);
                _phases[p] = next;
                _count--;
                return;
            }
        }
    }

    private async Task LoopAsync()
    {
        var scratch = new byte[1500];
        var due = new long[Phases];
        var start = Stopwatch.GetTimestamp();
        for (var p = 0; p < Phases; p++) due[p] = start + p * PeriodTicks / Phases;
        using var timer = new PeriodicTimer(Tick);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                var now = Stopwatch.GetTimestamp();
                for (var p = 0; p < Phases; p++)
                {
                    if (now < due[p]) continue;
                    if (now - due[p] > PeriodTicks / 2) LateTicks++;
                    do due[p] += PeriodTicks; while (due[p] <= now); // far behind: skip whole periods (no burst), keep the phase
                    lock (_tickLock)
                    {
                        foreach (var leg in _phases[p]) leg.OnTick(scratch);
                    }
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
