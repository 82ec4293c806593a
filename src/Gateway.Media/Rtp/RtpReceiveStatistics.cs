namespace Gateway.Media.Rtp;

/// <summary>
/// Per-source receive statistics (RFC 3550 §6.4.1, Appendix A.1, A.3, A.8): extended highest sequence,
/// cumulative loss, fraction lost since the last report and interarrival jitter. No allocation.
/// </summary>
public sealed class RtpReceiveStatistics
{
    private const int MaxDropout = 3000;
    private const int MaxMisorder = 100;

    private readonly uint _clockRate;
    private bool _started;
    private ushort _maxSeq;
    private uint _cycles;
    private uint _baseSeq;
    private uint _badSeq = uint.MaxValue;
    private uint _received;
    private uint _expectedPrior;
    private uint _receivedPrior;
    private long _lastTransit;
    private bool _haveTransit;
    private double _jitter;

    public RtpReceiveStatistics(uint clockRate) => _clockRate = clockRate;

    public uint Ssrc { get; private set; }
    public uint PacketsReceived => _received;

    /// <summary>Extended highest sequence number received (cycles &lt;&lt; 16 | max seq).</summary>
    public uint ExtendedHighestSequence => _cycles + _maxSeq;

    /// <summary>Expected minus received (A.3), clamped to the signed 24-bit range of reports.</summary>
    public int CumulativeLost
    {
        get
        {
            long lost = (long)ExtendedHighestSequence - _baseSeq + 1 - _received;
            return (int)Math.Clamp(lost, -0x800000, 0x7FFFFF);
        }
    }

    /// <summary>Interarrival jitter in timestamp units (A.8).</summary>
    public uint Jitter => (uint)_jitter;

    /// <summary>Records a packet. <paramref name="arrival"/> is the local receive time.</summary>
    public void OnPacket(uint ssrc, ushort seq, uint rtpTimestamp, TimeSpan arrival)
    {
        if (!_started)
        {
            _started = true;
            Ssrc = ssrc;
            _maxSeq = seq;
            _baseSeq = seq;
            _received = 1;
            UpdateJitter(rtpTimestamp, arrival);
            return;
        }
        // A.1 update_seq
        ushort delta = (ushort)(seq - _maxSeq);
        if (delta < MaxDropout)
        {
            if (seq < _maxSeq) _cycles += 1u << 16;
            _maxSeq = seq;
        }
        else if (delta <= 65536 - MaxMisorder)
        {
            if (seq == _badSeq)
            {
                // Two sequential packets after a big jump: the source restarted (A.1).
                _maxSeq = seq; _cycles = 0; _baseSeq = seq; _received = 0; _expectedPrior = 0; _receivedPrior = 0;
            }
            else
            {
                _badSeq = (uint)((seq + 1) & 0xFFFF);
                return;
            }
        }
        _received++;
        UpdateJitter(rtpTimestamp, arrival);
    }

    private void UpdateJitter(uint rtpTimestamp, TimeSpan arrival)
    {
        // A.8: transit = arrival (in RTP units) - timestamp; J += (|D| - J) / 16.
        long arrivalUnits = (long)(arrival.TotalSeconds * _clockRate);
        long transit = arrivalUnits - rtpTimestamp;
        if (_haveTransit)
        {
            long d = Math.Abs(transit - _lastTransit);
            if (d < int.MaxValue) _jitter += (d - _jitter) / 16.0;
        }
        _lastTransit = transit;
        _haveTransit = true;
    }

    /// <summary>Fraction lost since the previous call, in 1/256 units (A.3); call once per report.</summary>
    public byte TakeFractionLost()
    {
        uint expected = ExtendedHighestSequence - _baseSeq + 1;
        uint expectedInterval = expected - _expectedPrior;
        uint receivedInterval = _received - _receivedPrior;
        _expectedPrior = expected;
        _receivedPrior = _received;
        long lostInterval = (long)expectedInterval - receivedInterval;
        if (expectedInterval == 0 || lostInterval <= 0) return 0;
        return (byte)((lostInterval << 8) / expectedInterval);
    }
}
