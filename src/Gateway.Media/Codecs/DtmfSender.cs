using Gateway.Media.Rtp;

namespace Gateway.Media.Codecs;

/// <summary>
/// Produces the RFC 4733 packet train for one DTMF event (§2.5.1): every packet carries the event's start
/// timestamp, the first sets the marker bit, durations grow by one packet interval in clock units, and the
/// final (E=1) packet is sent three times (§2.5.1.4) with the same duration. Sequence numbers advance per packet.
/// </summary>
public sealed class DtmfSender
{
    public const int EndRetransmissions = 3;

    public DtmfSender(byte payloadType, uint ssrc, int clockRate, int packetIntervalMs = 20, byte volume = 10)
    {
        if (clockRate <= 0 || packetIntervalMs <= 0) throw new ArgumentOutOfRangeException(nameof(clockRate));
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

    /// <summary>Total duration of an event in timestamp units (e.g. 100 ms = 800 at 8 kHz, 4800 at 48 kHz).</summary>
    public int DurationUnits(int durationMs) => durationMs * ClockRate / 1000;

    /// <summary>Packets in the train, including the two extra copies of the end packet.</summary>
    public int PacketCount(int durationMs) =>
        Math.Max(1, (durationMs + PacketIntervalMs - 1) / PacketIntervalMs) + EndRetransmissions - 1;

    /// <summary>
    /// Writes packet <paramref name="index"/> (0-based) of the train for <paramref name="eventCode"/>; returns its length or -1.
    /// The RTP sequence number is <paramref name="firstSequence"/> + index.
    /// </summary>
    public int WritePacket(Span<byte> destination, int index, byte eventCode, int durationMs, uint timestamp, ushort firstSequence)
    {
        int total = DurationUnits(durationMs);
        if (total > ushort.MaxValue) throw new ArgumentOutOfRangeException(nameof(durationMs), "event longer than 0xFFFF units; split it (RFC 4733 §2.5.1.5)");
        int updates = PacketCount(durationMs) - (EndRetransmissions - 1);
        int step = PacketIntervalMs * ClockRate / 1000;
        int duration = Math.Min((index + 1) * step, total);
        bool end = index >= updates - 1;
        int header = RtpHeaderWriter.Write(destination, PayloadType, (ushort)(firstSequence + index), timestamp, Ssrc, marker: index == 0);
        if (header < 0) return -1;
        var ev = new TelephoneEvent(eventCode, end, Volume, (ushort)duration);
        return ev.TryWrite(destination.Slice(header)) ? header + TelephoneEvent.Length : -1;
    }
}
