using Gateway.Media.Codecs;

namespace Gateway.Media.Recording;

/// <summary>
/// One channel of a recording: decodes each frame (PCMU, PCMA, G.722 by their static payload types, RFC 3551 §6) and places
/// its samples by RTP timestamp, anchored to the arrival time of the first frame, so loss and silence suppression become
/// silence and jitter does not shift the audio. A timestamp that strays more than a second from the arrival time (a new
/// SSRC after a transfer, a peer's jump) anchors again. Samples wait in a ring until the writer takes them.
/// </summary>
internal sealed class ChannelTimeline
{
    private readonly short[] _ring;
    private readonly short[] _decoded = new short[2 * RecordedFrameRing.MaxPayload];
    private readonly int _rate;
    private G722Decoder? _g722;
    private readonly int _samplesPerTick; // file samples per tick of the 8 kHz RTP clock all three codecs use
    private bool _anchored;
    private uint _anchorTimestamp;
    private long _anchorPosition;

    public ChannelTimeline(int sampleRate, int capacitySamples)
    {
        _rate = sampleRate;
        _samplesPerTick = sampleRate / 8000;
        _ring = new short[capacitySamples];
    }

    /// <summary>One past the last sample placed so far (file position, in samples).</summary>
    public long End { get; private set; }

    public int Capacity => _ring.Length;

    /// <summary>Decodes <paramref name="frame"/> and puts its samples at their position; <paramref name="arrivalPosition"/> is its arrival in file samples.</summary>
    public void Place(in RecordedFrame frame, long arrivalPosition, long written)
    {
        int count = Decode(frame.PayloadType, frame.Payload.Span);
        if (count <= 0) return;
        long position = _anchorPosition + (long)(int)(frame.Timestamp - _anchorTimestamp) * _samplesPerTick;
        if (!_anchored || Math.Abs(position - arrivalPosition) > _rate)
        {
            _anchored = true;
            _anchorTimestamp = frame.Timestamp;
            _anchorPosition = position = arrivalPosition;
        }
        for (int i = 0; i < count; i++)
        {
            long at = position + i;
            if (at < written || at >= written + _ring.Length) continue; // too late for the file, or too far ahead of it
            _ring[at % _ring.Length] = _decoded[i];
        }
        End = Math.Max(End, position + count);
    }

    /// <summary>The sample at <paramref name="position"/> (silence if none came), and clears it for the ring's next turn.</summary>
    public short Take(long position)
    {
        int index = (int)(position % _ring.Length);
        short sample = _ring[index];
        _ring[index] = 0;
        return sample;
    }

    /// <summary>Decodes into file-rate samples (0 when the frame carries nothing to record).</summary>
    private int Decode(byte payloadType, ReadOnlySpan<byte> payload)
    {
        Span<short> pcm = _decoded;
        int decoded;
        int codecRate;
        switch (payloadType)
        {
            case 0:
                G711MuLaw.Decode(payload, pcm[..payload.Length]);
                decoded = payload.Length;
                codecRate = 8000;
                break;
            case 8:
                G711ALaw.Decode(payload, pcm[..payload.Length]);
                decoded = payload.Length;
                codecRate = 8000;
                break;
            case 9:
                // G.722: 16 kHz audio on an 8 kHz RTP clock (RFC 3551 §4.5.2).
                _g722 ??= new G722Decoder();
                decoded = _g722.Decode(payload, pcm);
                codecRate = 16000;
                break;
            default:
                return 0; // comfort noise (13), telephone-event and other types: no audio we record, the gap stays silent
        }
        if (codecRate == _rate) return decoded;
        if (codecRate * 2 == _rate)
        {
            for (int i = decoded - 1; i >= 0; i--) { pcm[2 * i] = pcm[i]; pcm[2 * i + 1] = pcm[i]; } // 8 -> 16 kHz by repetition
            return decoded * 2;
        }
        if (codecRate == _rate * 2)
        {
            for (int i = 0; i < decoded / 2; i++) pcm[i] = pcm[2 * i]; // 16 -> 8 kHz by decimation
            return decoded / 2;
        }
        return 0;
    }
}
