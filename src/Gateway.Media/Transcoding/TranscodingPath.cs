using System.Buffers.Binary;
using Gateway.Media.Rtp;

namespace Gateway.Media.Transcoding;

/// <summary>
/// One transcoded relay direction: RTP in -> <see cref="JitterBuffer"/> -> decode (or conceal a loss) -> resample ->
/// 20 ms frames -> encode -> RTP out under our SSRC, numbering and timestamps (RFC 3550 §7.2: a translator that changes
/// the encoding is the source of a new stream's timing). RFC 4733 telephone-event packets take the same buffer (they share
/// the sequence space) and cross with their payload type mapped; only their timestamp and duration are rescaled when the
/// two legs' event clocks differ (§2.1: the event clock follows the audio codec's). Push a packet, then
/// <see cref="Produce"/> until it returns 0. Buffers are allocated once: nothing is allocated per packet. One thread.
/// </summary>
internal sealed class TranscodingPath
{
    private readonly IAudioFrameDecoder _decoder;
    private readonly IAudioFrameEncoder _encoder;
    private readonly Resampler _resampler;
    private readonly TranscodingPayloads _payloads;
    private readonly short[] _decoded = new short[OpusFrameDecoder.MaxFrameSamples];
    private readonly short[] _pending; // resampled PCM waiting to fill a 20 ms frame
    private int _pendingCount;
    private ushort _sequence = (ushort)Random.Shared.Next(0, 65536);
    private uint _timestamp = (uint)Random.Shared.Next();
    private bool _sentFirst, _eventOpen;
    private uint _eventInputTimestamp, _eventOutputTimestamp;

    public TranscodingPath(IAudioFrameDecoder decoder, IAudioFrameEncoder encoder, TranscodingPayloads payloads, uint outputSsrc,
        int maxDelayPackets = JitterBuffer.DefaultMaxDelayPackets)
    {
        _decoder = decoder;
        _encoder = encoder;
        _payloads = payloads;
        OutputSsrc = outputSsrc;
        Jitter = new JitterBuffer(maxDelayPackets);
        _resampler = Resampler.Create(decoder.SampleRate, encoder.SampleRate, _decoded.Length);
        _pending = new short[_resampler.OutputLength(_decoded.Length) + encoder.FrameSamples];
    }

    public uint OutputSsrc { get; }
    public JitterBuffer Jitter { get; }
    public long FramesOut, EventsOut;

    /// <summary>Takes an RTP packet of the input leg (copied); false if it is not RTP or not a bridged payload type.</summary>
    public bool Push(ReadOnlySpan<byte> rtp)
    {
        if (RtpHeader.TryParse(rtp, out var header, out _) != RtpError.None) return false;
        if (header.PayloadType != _payloads.InputAudio && header.PayloadType != _payloads.InputEvent) return false;
        return Jitter.Insert(rtp, header.SequenceNumber, header.Ssrc) == JitterInsert.Stored;
    }

    /// <summary>Writes the next output RTP packet into <paramref name="destination"/>; returns its length, or 0 when none is ready.</summary>
    public int Produce(Span<byte> destination)
    {
        while (true)
        {
            if (_pendingCount >= _encoder.FrameSamples) return EmitAudio(destination);
            var take = Jitter.TryTake(out var packet);
            if (take == JitterTake.None) return 0;
            if (take == JitterTake.Lost)
            {
                Append(_decoder.Conceal(NextAudioPayload(), _decoded));
                continue;
            }
            RtpHeader.TryParse(packet, out var header, out _);
            if (header.PayloadType == _payloads.InputEvent)
            {
                if (EmitEvent(header, destination) is int n and > 0) return n;
                continue;
            }
            Append(_decoder.Decode(header.Payload, _decoded));
        }
    }

    private ReadOnlySpan<byte> NextAudioPayload()
    {
        var next = Jitter.PeekNext();
        if (next.IsEmpty || RtpHeader.TryParse(next, out var header, out _) != RtpError.None || header.PayloadType != _payloads.InputAudio) return default;
        return header.Payload;
    }

    private void Append(int decodedSamples)
    {
        if (decodedSamples <= 0) return;
        int room = _pending.Length - _pendingCount;
        if (_resampler.OutputLength(decodedSamples) > room) _pendingCount = 0; // cannot happen with 20 ms output frames; stay bounded anyway
        _pendingCount += _resampler.Process(_decoded.AsSpan(0, decodedSamples), _pending.AsSpan(_pendingCount));
    }

    private int EmitAudio(Span<byte> destination)
    {
        int frame = _encoder.FrameSamples;
        int header = RtpHeaderWriter.Write(destination, _payloads.OutputAudio, _sequence, _timestamp, OutputSsrc, marker: !_sentFirst);
        int n = header < 0 ? 0 : _encoder.Encode(_pending.AsSpan(0, frame), destination[header..]);
        _pendingCount -= frame;
        _pending.AsSpan(frame, _pendingCount).CopyTo(_pending);
        _timestamp += _encoder.TimestampStep;
        if (n <= 0) return Produce(destination); // an encoder failure skips the frame (its time still passes)
        _sequence++;
        _sentFirst = true;
        FramesOut++;
        return header + n;
    }

    /// <summary>RFC 4733 §2.3: event(8) E R volume(6) duration(16); each event keeps one timestamp, its start.</summary>
    private int EmitEvent(RtpHeader input, Span<byte> destination)
    {
        var payload = input.Payload;
        if (_payloads.OutputEvent is not byte outputPt || payload.Length < 4) return 0;
        if (!_eventOpen || input.Timestamp != _eventInputTimestamp)
        {
            _eventInputTimestamp = input.Timestamp;
            _eventOutputTimestamp = _timestamp;
            _eventOpen = true;
        }
        int header = RtpHeaderWriter.Write(destination, outputPt, _sequence, _eventOutputTimestamp, OutputSsrc, input.Marker);
        if (header < 0 || destination.Length < header + payload.Length) return 0;
        payload.CopyTo(destination[header..]);
        uint duration = (uint)((ulong)BinaryPrimitives.ReadUInt16BigEndian(payload[2..]) * (ulong)_payloads.OutputEventClock / (ulong)_payloads.InputEventClock);
        BinaryPrimitives.WriteUInt16BigEndian(destination[(header + 2)..], (ushort)Math.Min(duration, ushort.MaxValue));
        if ((payload[1] & 0x80) != 0 && (int)(_eventOutputTimestamp + duration - _timestamp) > 0)
            _timestamp = _eventOutputTimestamp + duration; // audio resumes after the event (§2.5.1.4)
        _sequence++;
        EventsOut++;
        return header + payload.Length;
    }
}

/// <summary>Payload types and event clocks of one transcoded direction; <see cref="InputEvent"/> 255 = none.</summary>
internal sealed record TranscodingPayloads(byte InputAudio, byte OutputAudio, byte InputEvent, byte? OutputEvent, int InputEventClock, int OutputEventClock);
