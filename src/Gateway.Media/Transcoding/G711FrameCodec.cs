using Gateway.Media.Codecs;

namespace Gateway.Media.Transcoding;

/// <summary>
/// G.711 µ-law or A-law (RFC 3551 §4.5.14), 8 kHz, one byte a sample. A lost frame is concealed by repeating the last
/// one at half level, then silence (a simple G.711 Appendix I style fade).
/// </summary>
internal sealed class G711FrameCodec(bool muLaw) : IAudioFrameDecoder, IAudioFrameEncoder
{
    public const int Frame = 160;
    private readonly short[] _last = new short[1440]; // up to 180 ms at 8 kHz
    private int _lastLength;

    public int SampleRate => 8000;
    public int FrameSamples => Frame;
    public uint TimestampStep => Frame;

    public int Decode(ReadOnlySpan<byte> payload, Span<short> pcm)
    {
        int n = Math.Min(Math.Min(payload.Length, pcm.Length), _last.Length);
        if (muLaw) G711MuLaw.Decode(payload[..n], pcm[..n]);
        else G711ALaw.Decode(payload[..n], pcm[..n]);
        pcm[..n].CopyTo(_last);
        _lastLength = n;
        return n;
    }

    public int Conceal(ReadOnlySpan<byte> nextPayload, Span<short> pcm)
    {
        int n = Math.Min(_lastLength == 0 ? Frame : _lastLength, pcm.Length);
        for (int i = 0; i < n; i++) pcm[i] = _last[i] = (short)(_last[i] >> 1);
        return n;
    }

    public int Encode(ReadOnlySpan<short> pcm, Span<byte> payload)
    {
        if (muLaw) G711MuLaw.Encode(pcm[..Frame], payload);
        else G711ALaw.Encode(pcm[..Frame], payload);
        return Frame;
    }
}
