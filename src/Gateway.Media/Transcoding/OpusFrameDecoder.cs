using Concentus;

namespace Gateway.Media.Transcoding;

/// <summary>
/// Opus 48 kHz mono decoding of the browser's packets (any frame size up to 120 ms, RFC 6716 §3.2.1). A lost packet is
/// rebuilt from the next one's in-band FEC (LBRR, RFC 6716 §4.2.5) when it carries it, otherwise concealed by the decoder's PLC.
/// </summary>
internal sealed class OpusFrameDecoder(IOpusDecoder decoder) : IAudioFrameDecoder
{
    public const int MaxFrameSamples = 5760; // 120 ms at 48 kHz
    private int _lastFrame = OpusCodecProvider.FrameSamples;

    public int SampleRate => OpusCodecProvider.SampleRate;

    public long FecRecovered, Concealed;

    public int Decode(ReadOnlySpan<byte> payload, Span<short> pcm)
    {
        if (payload.IsEmpty) return 0;
        try
        {
            int n = decoder.Decode(payload, pcm, Math.Min(pcm.Length, MaxFrameSamples), false);
            if (n > 0) _lastFrame = n;
            return Math.Max(0, n);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException)
        {
            return 0; // a corrupt packet from the network is dropped, never thrown
        }
    }

    public int Conceal(ReadOnlySpan<byte> nextPayload, Span<short> pcm)
    {
        int frame = Math.Min(_lastFrame, pcm.Length);
        try
        {
            if (!nextPayload.IsEmpty)
            {
                int n = decoder.Decode(nextPayload, pcm, frame, true);
                if (n > 0) { FecRecovered++; return n; }
            }
            int plc = decoder.Decode(ReadOnlySpan<byte>.Empty, pcm, frame, false);
            Concealed++;
            return Math.Max(0, plc);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException)
        {
            return 0;
        }
    }
}
