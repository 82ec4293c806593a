using Gateway.Media.Codecs;

namespace Gateway.Media.Transcoding;

/// <summary>
/// G.722 at 64 kbit/s: 16 kHz audio, 20 ms = 320 samples = 160 bytes, RTP clock 8000 (RFC 3551 §4.5.2: the clock
/// rate is 8000 for historical reasons). A lost frame repeats the last one at half level.
/// </summary>
internal sealed class G722FrameCodec : IAudioFrameDecoder, IAudioFrameEncoder
{
    private readonly G722Encoder _encoder = new();
    private readonly G722Decoder _decoder = new();
    private readonly short[] _last = new short[2880];
    private int _lastLength;

    public int SampleRate => 16000;
    public int FrameSamples => 320;
    public uint TimestampStep => 160;

    public int Decode(ReadOnlySpan<byte> payload, Span<short> pcm)
    {
        int bytes = Math.Min(payload.Length, Math.Min(pcm.Length, _last.Length) / 2);
        int n = _decoder.Decode(payload[..bytes], pcm);
        pcm[..n].CopyTo(_last);
        _lastLength = n;
        return n;
    }

    public int Conceal(ReadOnlySpan<byte> nextPayload, Span<short> pcm)
    {
        int n = Math.Min(_lastLength == 0 ? FrameSamples : _lastLength, pcm.Length);
        for (int i = 0; i < n; i++) pcm[i] = _last[i] = (short)(_last[i] >> 1);
        return n;
    }

    public int Encode(ReadOnlySpan<short> pcm, Span<byte> payload) => _encoder.Encode(pcm[..FrameSamples], payload);
}
