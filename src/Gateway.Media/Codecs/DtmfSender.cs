using Gateway.Media.Rtp;

namespace Gateway.Media.Codecs;

/// <summary>
/// Produces the RFC 4733 packet train for one DTMF event (§2.5.1): every packet carries the event's start
/// timestamp, the first sets the marker bit, durations grow by one packet interval in clock units, and the
/// final (E=1) packet is sent three times (§2.5.1.4) with the same duration. Sequence numbers advance per packet.
/// An event longer than the duration field can hold (0xFFFF units, 1.36 s at 48 kHz) is sent in segments
/// (§2.5.1.3): the packet that reaches the limit reports 0xFFFF without E, then a new segment starts with the
/// timestamp where the previous one ended (start + k * 0xFFFF) and the duration counted from there; only the last
/// segment ends with E. Allocation-free: each packet is computed from its index.
/// </summary>
public sealed class DtmfSender
{
    public const int EndRetransmissions = 3;
    /// <summary>The largest duration field value (RFC 4733 §2.3.5): a segment spans at most this many units.</summary>
    public const int MaxSegmentUnits = ushort.MaxValue;

    public DtmfSender(byte payloadType, uint ssrc, int clockRate, int packetIntervalMs = 20, byte volume = 10)
    {
        if (clockRate <= 0 || packetIntervalMs <= 0) throw new ArgumentOutOfRangeException(nameof(clockRate));
        if ((long)packetIntervalMs * clockRate / 1000 >= MaxSegmentUnits)
            throw new ArgumentOutOfRangeException(nameof(packetIntervalMs), "one packet interval must be shorter than 0xFFFF timestamp units");
        PayloadType = payloadType;
        Ssrc = ssrc;
        ClockRate = clockRate;
        PacketIntervalMs = packetIntervalMs;
        Volume = volume;
    }

    public byte PayloadType { get; }
    public uint Ssrc { get; }
    public int ClockRate { get; }
    public int PacketIntervalMs { get; }
    public byte Volume { get; }

    private long Step => (long)PacketIntervalMs * ClockRate / 1000;

    /// <summary>Total duration of an event in timestamp units (e.g. 100 ms = 800 at 8 kHz, 4800 at 48 kHz).</summary>
    public int DurationUnits(int durationMs) => (int)((long)durationMs * ClockRate / 1000);

    /// <summary>Packets in the train, including the two extra copies of the end packet.</summary>
    public int PacketCount(int durationMs) => UpdateCount(durationMs) + EndRetransmissions - 1;

    /// <summary>
    /// Writes packet <paramref name="index"/> (0-based) of the train for <paramref name="eventCode"/>; returns its length or -1.
    /// The RTP sequence number is <paramref name="firstSequence"/> + index; the RTP timestamp is <paramref name="timestamp"/>
    /// in the first segment and <paramref name="timestamp"/> + k * 0xFFFF in segment k of a long event (§2.5.1.3).
    /// </summary>
    public int WritePacket(Span<byte> destination, int index, byte eventCode, int durationMs, uint timestamp, ushort firstSequence)
    {
        if (index < 0 || durationMs < 0) return -1;
        long total = DurationUnits(durationMs);
        int updates = UpdateCount(durationMs);
        int update = Math.Min(index, updates - 1); // the end packet's retransmissions repeat it exactly (§2.5.1.4)
        // A packet belongs to the segment its predecessor left off in: the packet that crosses a segment boundary
        // still reports the old segment, capped at 0xFFFF (§2.5.1.3); the next one starts the new segment.
        long segment = Elapsed(update - 1, total) / MaxSegmentUnits;
        long duration = Math.Min(Elapsed(update, total) - segment * MaxSegmentUnits, MaxSegmentUnits);
        bool end = update == updates - 1;
        uint segmentTimestamp = unchecked(timestamp + (uint)(segment * MaxSegmentUnits));
        int header = RtpHeaderWriter.Write(destination, PayloadType, (ushort)(firstSequence + index), segmentTimestamp, Ssrc, marker: index == 0);
        if (header < 0) return -1;
        var ev = new TelephoneEvent(eventCode, end, Volume, (ushort)duration);
        return ev.TryWrite(destination.Slice(header)) ? header + TelephoneEvent.Length : -1;
    }

    /// <summary>Units of the event elapsed at update packet <paramref name="update"/> (one interval each, capped at the total).</summary>
    private long Elapsed(int update, long total) => update < 0 ? 0 : Math.Min((update + 1) * Step, total);

    /// <summary>
    /// Update packets (the last carries E): one per interval, plus one when the last interval crosses a segment
    /// boundary, since that packet reports the full old segment and the remainder needs a packet of its own.
    /// </summary>
    private int UpdateCount(int durationMs)
    {
        int updates = Math.Max(1, (durationMs + PacketIntervalMs - 1) / PacketIntervalMs);
        long total = DurationUnits(durationMs);
        long segment = Elapsed(updates - 2, total) / MaxSegmentUnits;
        return Elapsed(updates - 1, total) - segment * MaxSegmentUnits > MaxSegmentUnits ? updates + 1 : updates;
    }
}
