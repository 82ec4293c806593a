namespace Gateway.Media.Recording;

/// <summary>
/// A fixed ring of RTP payloads between one producer (the media receive path of one leg) and one consumer (the recording
/// writer): no allocation and no lock per packet; when the writer falls behind, frames are dropped and counted, and the
/// media path never waits.
/// </summary>
internal sealed class RecordedFrameRing
{
    /// <summary>Largest payload kept: 40 ms of G.711 or G.722.</summary>
    public const int MaxPayload = 320;

    private readonly byte[] _payloads;
    private readonly int[] _lengths;
    private readonly uint[] _timestamps;
    private readonly byte[] _payloadTypes;
    private readonly long[] _arrivals;
    private readonly int _mask;
    private long _head, _tail; // _head written by the producer only, _tail by the consumer only

    public RecordedFrameRing(int slots)
    {
        if (slots <= 0 || (slots & (slots - 1)) != 0) throw new ArgumentOutOfRangeException(nameof(slots), "a power of two");
        _payloads = new byte[slots * MaxPayload];
        _lengths = new int[slots];
        _timestamps = new uint[slots];
        _payloadTypes = new byte[slots];
        _arrivals = new long[slots];
        _mask = slots - 1;
    }

    public long Dropped;

    /// <summary>Producer: keeps a copy of <paramref name="payload"/>, or counts a drop when the ring is full or the payload too big.</summary>
    public bool TryWrite(uint timestamp, byte payloadType, long arrival, ReadOnlySpan<byte> payload)
    {
        long head = _head;
        if (payload.Length > MaxPayload || head - Volatile.Read(ref _tail) > _mask)
        {
            Interlocked.Increment(ref Dropped);
            return false;
        }
        int slot = (int)(head & _mask);
        payload.CopyTo(_payloads.AsSpan(slot * MaxPayload));
        _lengths[slot] = payload.Length;
        _timestamps[slot] = timestamp;
        _payloadTypes[slot] = payloadType;
        _arrivals[slot] = arrival;
        Volatile.Write(ref _head, head + 1);
        return true;
    }

    /// <summary>Consumer: the oldest frame, valid until the next <see cref="Advance"/>.</summary>
    public bool TryPeek(out RecordedFrame frame)
    {
        long tail = _tail;
        if (tail == Volatile.Read(ref _head))
        {
            frame = default;
            return false;
        }
        int slot = (int)(tail & _mask);
        frame = new RecordedFrame(_timestamps[slot], _payloadTypes[slot], _arrivals[slot], _payloads.AsMemory(slot * MaxPayload, _lengths[slot]));
        return true;
    }

    public void Advance() => Volatile.Write(ref _tail, _tail + 1);
}

/// <summary>One captured RTP payload with its timestamp, payload type and arrival time (<see cref="TimeProvider.GetTimestamp"/>).</summary>
internal readonly record struct RecordedFrame(uint Timestamp, byte PayloadType, long Arrival, ReadOnlyMemory<byte> Payload);
