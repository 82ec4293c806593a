namespace Gateway.Media.Codecs;

/// <summary>What a telephone-event packet meant to the receiver (RFC 4733 §2.5.2).</summary>
public enum DtmfReceiveResult
{
    /// <summary>Not a valid event payload.</summary>
    Invalid,
    /// <summary>First packet of a new event (a new RTP timestamp).</summary>
    Started,
    /// <summary>A duration update for the event in progress.</summary>
    Continued,
    /// <summary>The first end packet: the digit is complete; report it once.</summary>
    Ended,
    /// <summary>A retransmitted end packet or a late update of a finished event: ignore.</summary>
    Duplicate,
}

/// <summary>
/// Tracks telephone events by RTP timestamp (RFC 4733 §2.5.2.1: packets of one event share a timestamp)
/// and reports each digit exactly once, however many end packets arrive.
/// </summary>
public sealed class DtmfReceiver
{
    private bool _active;
    private uint _timestamp;
    private bool _ended;

    public DtmfReceiveResult OnPacket(uint rtpTimestamp, ReadOnlySpan<byte> payload, out TelephoneEvent ev)
    {
        if (!TelephoneEvent.TryParse(payload, out ev)) return DtmfReceiveResult.Invalid;
        bool sameEvent = _active && rtpTimestamp == _timestamp;
        if (sameEvent && _ended) return DtmfReceiveResult.Duplicate;
        if (!sameEvent)
        {
            _active = true;
            _timestamp = rtpTimestamp;
            _ended = false;
            if (!ev.End) return DtmfReceiveResult.Started;
        }
        if (!ev.End) return DtmfReceiveResult.Continued;
        _ended = true;
        return DtmfReceiveResult.Ended;
    }
}
