namespace Gateway.Media.Conference;

/// <summary>
/// A single-producer single-consumer ring of 20 ms PCM frames at the room's rate: a leg's receive thread writes decoded
/// frames, the room's mix thread reads one per tick. Lock-free (each side owns its index, published with Volatile);
/// preallocated, bounded: a frame arriving to a full ring is dropped, and the reader skips a backlog beyond
/// <see cref="MaxBacklog"/> frames so a bursty sender cannot build up delay.
/// </summary>
internal sealed class PcmFrameRing
{
    public const int Capacity = 8; // 160 ms
    public const int MaxBacklog = 3; // 60 ms

    private readonly short[][] _frames = new short[Capacity][];
    private long _written, _read;

    public PcmFrameRing(int frameSamples)
    {
        FrameSamples = frameSamples;
        for (int i = 0; i < Capacity; i++) _frames[i] = new short[frameSamples];
    }

    public int FrameSamples { get; }
    public long Dropped, Skipped;

    /// <summary>Producer: the next free frame to fill, or null when the ring is full (the frame is dropped).</summary>
    public Span<short> BeginWrite()
    {
        long w = _written;
        if (w - Volatile.Read(ref _read) >= Capacity) { Dropped++; return default; }
        return _frames[w & (Capacity - 1)];
    }

    /// <summary>Producer: publishes the frame <see cref="BeginWrite"/> handed out.</summary>
    public void EndWrite() => Volatile.Write(ref _written, _written + 1);

    /// <summary>Consumer: copies the oldest frame into <paramref name="destination"/>; false when none is waiting.</summary>
    public bool TryRead(Span<short> destination)
    {
        long w = Volatile.Read(ref _written), r = _read;
        if (w == r) return false;
        if (w - r > MaxBacklog) { Skipped += w - r - MaxBacklog; r = w - MaxBacklog; }
        _frames[r & (Capacity - 1)].CopyTo(destination);
        Volatile.Write(ref _read, r + 1);
        return true;
    }
}
