using System.Diagnostics;

namespace Gateway.Load;

/// <summary>
/// The echoed stream of one call, keyed by the sequence number the tool wrote into each payload (the gateway
/// may renumber RTP). Loss as in RFC 3550 A.3: expected = highest - first + 1 over what came back. Jitter as in
/// RFC 3550 A.8, with the transit time taken from the send timestamp in the payload: J += (|D| - J) / 16.
/// Updated only by the call's receive loop.
/// </summary>
public sealed class EchoStats
{
    private static readonly double TicksToMicros = 1_000_000.0 / Stopwatch.Frequency;
    private bool _started;
    private uint _first, _highest;
    private double _lastTransitMicros, _jitterMicros;

    public long Received { get; private set; }
    public long Expected => _started ? (long)_highest - _first + 1 : 0;
    public double JitterMs => _jitterMicros / 1000;

    /// <summary>Records one echoed packet; returns its round trip in microseconds.</summary>
    public double OnPacket(uint payloadSequence, long sentTicks, long arrivalTicks)
    {
        var transit = (arrivalTicks - sentTicks) * TicksToMicros;
        if (!_started)
        {
            _started = true;
            _first = _highest = payloadSequence;
        }
        else
        {
            if (payloadSequence > _highest) _highest = payloadSequence;
            if (payloadSequence < _first) _first = payloadSequence;
            var d = Math.Abs(transit - _lastTransitMicros);
            _jitterMicros += (d - _jitterMicros) / 16;
        }
        _lastTransitMicros = transit;
        Received++;
        return transit;
    }
}
