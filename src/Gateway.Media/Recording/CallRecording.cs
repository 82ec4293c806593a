using System.Buffers.Binary;
using Gateway.Media.Rtp;
using Gateway.Media.Wav;

namespace Gateway.Media.Recording;

/// <summary>
/// One call written as a stereo 16-bit WAV file as the call goes: the web side left, the SIP side right. The media path
/// calls <see cref="Capture"/> (a copy into a fixed ring, never a wait); <see cref="MediaRecorder"/>'s writer places the
/// frames by RTP timestamp, writes what is older than <see cref="WriteDelay"/>, and rewrites the header's sizes at least once
/// a second, so a process killed mid-call leaves a playable file missing at most the last second or so.
/// </summary>
public sealed class CallRecording
{
    /// <summary>How far behind the present the writer stays, so late frames still find their place.</summary>
    public static readonly TimeSpan WriteDelay = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan HeaderInterval = TimeSpan.FromSeconds(1);

    private readonly RecordedFrameRing[] _rings = [new(64), new(64)];
    private readonly ChannelTimeline[] _timelines;
    private readonly TimeProvider _time;
    private readonly FileStream _file;
    private readonly byte[] _chunk = new byte[4096];
    private readonly long _start;
    private long _written, _headerAt;
    private volatile bool _stopping;
    private bool _closed;

    internal CallRecording(string path, int sampleRate, FileStream file, TimeProvider time)
    {
        Path = path;
        SampleRate = sampleRate;
        _file = file;
        _time = time;
        _start = time.GetTimestamp();
        _timelines = [new ChannelTimeline(sampleRate, 2 * sampleRate), new ChannelTimeline(sampleRate, 2 * sampleRate)];
        Span<byte> header = stackalloc byte[WavWriter.HeaderLength];
        WavWriter.WriteHeader(header, sampleRate, 0, channels: 2);
        _file.Write(header);
        _file.Flush();
    }

    public string Path { get; }
    public int SampleRate { get; }
    /// <summary>Samples per channel written to the file so far.</summary>
    public long SamplesWritten => Volatile.Read(ref _written);
    /// <summary>Frames the media path could not hand over (the writer was behind, or a payload over 40 ms).</summary>
    public long DroppedFrames => Interlocked.Read(ref _rings[0].Dropped) + Interlocked.Read(ref _rings[1].Dropped);
    public bool IsClosed => Volatile.Read(ref _closed);

    /// <summary>Hot path: an RTP packet of <paramref name="channel"/>'s side (plain, after SRTP). Copies its payload; never blocks.</summary>
    public void Capture(RecordingChannel channel, ReadOnlySpan<byte> rtpPacket)
    {
        if (_stopping) return;
        if (RtpHeader.TryParse(rtpPacket, out var header, out _) != RtpError.None) return;
        _rings[(int)channel].TryWrite(header.Timestamp, header.PayloadType, _time.GetTimestamp(), header.Payload);
    }

    /// <summary>The call ended: the writer writes what is left, fixes the header and closes the file on its next pass.</summary>
    public void Stop() => _stopping = true;

    internal bool IsStopping => _stopping;

    /// <summary>The writer's pass: frames into their channels, then the settled part of both channels into the file.</summary>
    internal void Pump()
    {
        if (_closed) return;
        long now = _time.GetTimestamp();
        for (int c = 0; c < 2; c++)
        {
            var ring = _rings[c];
            while (ring.TryPeek(out var frame))
            {
                _timelines[c].Place(frame, ToSamples(frame.Arrival - _start), _written);
                ring.Advance();
            }
        }
        bool final = _stopping;
        long frontier = final
            ? Math.Max(_timelines[0].End, _timelines[1].End)
            : ToSamples(now - _start) - ToSamples((long)(WriteDelay.TotalSeconds * _time.TimestampFrequency));
        WriteUpTo(frontier);
        if (final || _time.GetElapsedTime(_headerAt, now) >= HeaderInterval)
        {
            WriteSizes();
            _headerAt = now;
        }
        _file.Flush();
        if (final)
        {
            _file.Dispose();
            Volatile.Write(ref _closed, true);
        }
    }

    /// <summary>Closes the file at once (shutdown); what is still queued is written first.</summary>
    internal void Close()
    {
        _stopping = true;
        Pump();
    }

    private long ToSamples(long ticks) => ticks * SampleRate / _time.TimestampFrequency;

    private void WriteUpTo(long frontier)
    {
        // Never further ahead than the channels can hold; what a channel never received is silence.
        frontier = Math.Min(frontier, _written + _timelines[0].Capacity);
        int used = 0;
        for (long position = _written; position < frontier; position++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(_chunk.AsSpan(used), _timelines[0].Take(position));
            BinaryPrimitives.WriteInt16LittleEndian(_chunk.AsSpan(used + 2), _timelines[1].Take(position));
            used += 4;
            if (used == _chunk.Length)
            {
                _file.Write(_chunk);
                used = 0;
            }
        }
        if (used > 0) _file.Write(_chunk.AsSpan(0, used));
        if (frontier > _written) Volatile.Write(ref _written, frontier);
    }

    private void WriteSizes()
    {
        long position = _file.Position;
        Span<byte> header = stackalloc byte[WavWriter.HeaderLength];
        WavWriter.WriteHeader(header, SampleRate, (int)Math.Min(_written, int.MaxValue / 4), channels: 2);
        _file.Position = 0;
        _file.Write(header);
        _file.Position = position;
    }
}
