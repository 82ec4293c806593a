namespace Gateway.Media.Transcoding;

/// <summary>
/// The decoding side's reorder and loss buffer: RTP packets of one source are handed out in sequence order (RFC 3550
/// §A.1 modular comparison). A packet that is missing is waited for until <see cref="MaxDelayPackets"/> later packets
/// have arrived (2 x 20 ms = 40 ms by default), then reported lost so the decoder conceals it (Opus: FEC from the next
/// packet, else PLC). In order, nothing waits: the buffer adds delay only while a packet is missing. Bounded: a fixed
/// ring of <see cref="Capacity"/> slots preallocated for the largest packet; a packet too far ahead restarts it, a late
/// or duplicate one is dropped. A new SSRC restarts it. One per stream, one thread.
/// </summary>
internal sealed class JitterBuffer
{
    public const int Capacity = 16; // a power of two, well above MaxDelayPackets
    public const int DefaultMaxDelayPackets = 2;
    public const int MaxPacket = 1500;

    private readonly byte[][] _slots = new byte[Capacity][];
    private readonly int[] _lengths = new int[Capacity];
    private readonly ushort[] _sequences = new ushort[Capacity];
    private readonly bool[] _filled = new bool[Capacity];
    private bool _started;
    private uint _ssrc;
    private ushort _next, _highest;
    private int _count;

    public JitterBuffer(int maxDelayPackets = DefaultMaxDelayPackets)
    {
        if (maxDelayPackets is < 1 or >= Capacity) throw new ArgumentOutOfRangeException(nameof(maxDelayPackets));
        MaxDelayPackets = maxDelayPackets;
        for (int i = 0; i < Capacity; i++) _slots[i] = new byte[MaxPacket];
    }

    public int MaxDelayPackets { get; }
    public int Count => _count;

    public long Lost, Late, Duplicates, Reordered, Restarts;

    /// <summary>Stores one RTP packet (header included) of <paramref name="ssrc"/> with sequence number <paramref name="sequence"/>.</summary>
    public JitterInsert Insert(ReadOnlySpan<byte> packet, ushort sequence, uint ssrc)
    {
        if (packet.Length > MaxPacket) return JitterInsert.TooLarge;
        if (!_started || ssrc != _ssrc) Restart(sequence, ssrc);
        int ahead = (short)(sequence - _next);
        if (ahead < 0) { Late++; return JitterInsert.Late; }
        if (ahead >= Capacity)
        {
            // The source jumped (restarted numbering, or a long outage): start again from this packet.
            Restart(sequence, ssrc);
            Restarts++;
        }
        int slot = sequence & (Capacity - 1);
        if (_filled[slot]) { Duplicates++; return JitterInsert.Duplicate; }
        packet.CopyTo(_slots[slot]);
        _lengths[slot] = packet.Length;
        _sequences[slot] = sequence;
        _filled[slot] = true;
        _count++;
        if ((short)(sequence - _highest) > 0) _highest = sequence;
        else if (sequence != _highest) Reordered++; // older than one already here: it was overtaken
        return JitterInsert.Stored;
    }

    /// <summary>
    /// The next packet in order (<see cref="JitterTake.Packet"/>, valid until the next <see cref="Insert"/>), a lost one
    /// given up on (<see cref="JitterTake.Lost"/>), or nothing to hand out yet.
    /// </summary>
    public JitterTake TryTake(out ReadOnlySpan<byte> packet)
    {
        packet = default;
        if (_count == 0) return JitterTake.None;
        int slot = _next & (Capacity - 1);
        if (_filled[slot] && _sequences[slot] == _next)
        {
            _filled[slot] = false;
            _count--;
            _next++;
            packet = _slots[slot].AsSpan(0, _lengths[slot]);
            return JitterTake.Packet;
        }
        if ((ushort)(_highest - _next) < MaxDelayPackets) return JitterTake.None;
        _next++;
        Lost++;
        return JitterTake.Lost;
    }

    /// <summary>After <see cref="JitterTake.Lost"/>: the packet that follows the lost one if it is here (its FEC rebuilds the loss).</summary>
    public ReadOnlySpan<byte> PeekNext()
    {
        int slot = _next & (Capacity - 1);
        return _filled[slot] && _sequences[slot] == _next ? _slots[slot].AsSpan(0, _lengths[slot]) : default;
    }

    private void Restart(ushort sequence, uint ssrc)
    {
        Array.Clear(_filled);
        _count = 0;
        _next = sequence;
        _highest = sequence;
        _ssrc = ssrc;
        _started = true;
    }
}

public enum JitterInsert { Stored, Late, Duplicate, TooLarge }

public enum JitterTake { None, Packet, Lost }
