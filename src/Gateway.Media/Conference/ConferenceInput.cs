using Gateway.Media.Codecs;
using Gateway.Media.Rtp;
using Gateway.Media.Transcoding;

namespace Gateway.Media.Conference;

/// <summary>
/// One participant's way in, on its leg's receive thread: RTP -> <see cref="JitterBuffer"/> (reorder, loss) -> decode or
/// conceal (Opus FEC/PLC) -> resample to the room's rate -> 20 ms frames into a <see cref="PcmFrameRing"/> the mix
/// thread reads. RFC 4733 telephone-events are not mixed: each digit is reported once, on its end (§2.5.2.1).
/// Buffers are allocated once; nothing is allocated per packet. One producer thread.
/// </summary>
internal sealed class ConferenceInput
{
    private readonly ConferenceCodec _codec;
    private readonly IAudioFrameDecoder _decoder;
    private readonly Resampler _resampler;
    private readonly JitterBuffer _jitter = new();
    private readonly DtmfReceiver _dtmf = new();
    private readonly Action<char>? _onDigit;
    private readonly short[] _decoded = new short[OpusFrameDecoder.MaxFrameSamples];
    private readonly short[] _pending;
    private int _pendingCount;

    public ConferenceInput(ConferenceCodec codec, IAudioFrameDecoder decoder, int roomRate, Action<char>? onDigit)
    {
        _codec = codec;
        _decoder = decoder;
        _onDigit = onDigit;
        _resampler = Resampler.Create(decoder.SampleRate, roomRate, _decoded.Length);
        Ring = new PcmFrameRing(roomRate / 50);
        _pending = new short[_resampler.OutputLength(_decoded.Length) + Ring.FrameSamples];
    }

    public PcmFrameRing Ring { get; }
    public long Rejected;

    /// <summary>Takes one RTP packet of the leg (copied); false when it is not RTP or not a negotiated payload type.</summary>
    public bool Push(ReadOnlySpan<byte> rtp)
    {
        if (RtpHeader.TryParse(rtp, out var header, out _) != RtpError.None) { Rejected++; return false; }
        if (header.PayloadType == _codec.TelephoneEventPayloadType)
        {
            if (_dtmf.OnPacket(header.Timestamp, header.Payload, out var ev) == DtmfReceiveResult.Ended
                && TelephoneEvent.ToDigit(ev.Event) is var digit and not '?')
                _onDigit?.Invoke(digit);
            return true;
        }
        if (header.PayloadType != _codec.PayloadType) { Rejected++; return false; }
        if (_jitter.Insert(rtp, header.SequenceNumber, header.Ssrc) != JitterInsert.Stored) return false;
        while (true)
        {
            var take = _jitter.TryTake(out var packet);
            if (take == JitterTake.None) break;
            if (take == JitterTake.Lost) Append(_decoder.Conceal(NextPayload(), _decoded));
            else
            {
                RtpHeader.TryParse(packet, out var next, out _);
                Append(_decoder.Decode(next.Payload, _decoded));
            }
        }
        return true;
    }

    private ReadOnlySpan<byte> NextPayload()
    {
        var next = _jitter.PeekNext();
        return !next.IsEmpty && RtpHeader.TryParse(next, out var header, out _) == RtpError.None ? header.Payload : default;
    }

    private void Append(int samples)
    {
        if (samples <= 0) return;
        if (_resampler.OutputLength(samples) > _pending.Length - _pendingCount) _pendingCount = 0; // bounded; cannot happen with whole frames
        _pendingCount += _resampler.Process(_decoded.AsSpan(0, samples), _pending.AsSpan(_pendingCount));
        int frame = Ring.FrameSamples, offset = 0;
        for (; _pendingCount - offset >= frame; offset += frame)
        {
            var slot = Ring.BeginWrite();
            if (slot.IsEmpty) continue;
            _pending.AsSpan(offset, frame).CopyTo(slot);
            Ring.EndWrite();
        }
        _pendingCount -= offset;
        _pending.AsSpan(offset, _pendingCount).CopyTo(_pending);
    }
}
