using Gateway.Media.Codecs;
using Gateway.Media.Rtp;
using Gateway.Media.Transcoding;

namespace Gateway.Media.Bridge;

/// <summary>
/// Built-in playback (extension 601): every 20 ms one G.711 frame of 160 samples (RFC 3551 §4.5.14: PCMU 0, PCMA 8),
/// or, when the browser negotiated Opus, the same 160 samples resampled to 48 kHz and Opus-encoded (RFC 7587 §4.2),
/// looping over the samples, to the web leg (or a SIP caller's) under its own SSRC. Ticks before the leg can send are skipped; a slow tick
/// never overlaps the next one.
/// </summary>
internal sealed class PlaybackApp : IAsyncDisposable
{
    public const int FrameSamples = 160;
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(20);

    private readonly AppLegOutput _output;
    private readonly ReadOnlyMemory<short> _samples;
    private readonly byte _payloadType;
    private readonly byte[] _buffer = new byte[RtpHeader.FixedLength + OpusFrameEncoder.MaxPacket + 64];
    private readonly short[] _frame = new short[FrameSamples];
    private readonly short[] _frame48k = new short[OpusCodecProvider.FrameSamples];
    private readonly OpusFrameEncoder? _opus;
    private readonly Resampler? _upsampler;
    private readonly ITimer _timer;
    private readonly TimeProvider _time;
    private long _startedAt;
    private bool _started;
    private int _position, _busy;
    private ushort _sequence = (ushort)Random.Shared.Next(0, 65536);
    private uint _timestamp = (uint)Random.Shared.Next();

    public PlaybackApp(AppLegOutput output, ReadOnlyMemory<short> samples8k, int payloadType, TimeProvider time, OpusCodecProvider? opus = null)
    {
        if (opus is null && payloadType is not (0 or 8)) throw new ArgumentOutOfRangeException(nameof(payloadType), "playback sends PCMU (0) or PCMA (8), or Opus");
        if (opus is not null && (uint)payloadType > 127) throw new ArgumentOutOfRangeException(nameof(payloadType));
        if (opus is not null)
        {
            _opus = new OpusFrameEncoder(opus.CreateEncoder(AudioCodec.Pcmu)); // 8 kHz prompts: narrowband
            _upsampler = Resampler.Create(8000, OpusCodecProvider.SampleRate, FrameSamples);
        }
        if (samples8k.IsEmpty) throw new ArgumentException("no samples to play", nameof(samples8k));
        _output = output;
        _samples = samples8k;
        _payloadType = (byte)payloadType;
        _time = time;
        _timer = time.CreateTimer(static s => ((PlaybackApp)s!).Tick(), this, Period, Period);
    }

    public long FramesSent;

    private void Tick()
    {
        if (Interlocked.Exchange(ref _busy, 1) != 0) return;
        try
        {
            if (!_output.IsReady) return;
            long now = _time.GetTimestamp();
            if (!_started) { _started = true; _startedAt = now - PeriodTimestamp; } // the first frame is due now
            // Frames due by the media clock: a late timer tick catches up (at most 3 frames at once), so the cadence holds.
            long due = (long)(_time.GetElapsedTime(_startedAt, now) / Period) - FramesSent;
            for (long i = 0; i < Math.Min(due, 3); i++) SendFrame();
            if (due > 3) _startedAt += (due - 3) * PeriodTimestamp; // too far behind (a stalled machine): skip, do not burst
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    private long PeriodTimestamp => Period.Ticks * _time.TimestampFrequency / TimeSpan.TicksPerSecond;

    private void SendFrame()
    {
        var samples = _samples.Span;
        for (int i = 0; i < FrameSamples; i++)
        {
            _frame[i] = samples[_position];
            if (++_position == samples.Length) _position = 0;
        }
        int header = RtpHeaderWriter.Write(_buffer, _payloadType, _sequence, _timestamp, _output.Ssrc, marker: FramesSent == 0);
        int length = FrameSamples;
        if (_opus is not null)
        {
            _upsampler!.Process(_frame, _frame48k);
            length = _opus.Encode(_frame48k, _buffer.AsSpan(header, OpusFrameEncoder.MaxPacket));
            _timestamp += OpusCodecProvider.FrameSamples;
        }
        else
        {
            var payload = _buffer.AsSpan(header, FrameSamples);
            if (_payloadType == 0) G711MuLaw.Encode(_frame, payload);
            else G711ALaw.Encode(_frame, payload);
            _timestamp += FrameSamples;
        }
        _sequence++;
        FramesSent++; // counts frames played, sent or lost on the way
        if (length > 0) _output.Send(_buffer, header + length);
    }

    public ValueTask DisposeAsync() => _timer.DisposeAsync();
}
