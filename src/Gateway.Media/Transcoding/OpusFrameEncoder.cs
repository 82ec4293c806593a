using Concentus;

namespace Gateway.Media.Transcoding;

/// <summary>Opus 48 kHz mono, 20 ms per packet (RFC 7587 §4.2), in-band FEC on.</summary>
internal sealed class OpusFrameEncoder(IOpusEncoder encoder) : IAudioFrameEncoder
{
    /// <summary>RFC 6716 §3.4 caps a frame at 1275 bytes; at 32 kbit/s a 20 ms frame is about 80.</summary>
    public const int MaxPacket = 400;

    public int SampleRate => OpusCodecProvider.SampleRate;
    public int FrameSamples => OpusCodecProvider.FrameSamples;
    public uint TimestampStep => OpusCodecProvider.FrameSamples;

    public int Encode(ReadOnlySpan<short> pcm, Span<byte> payload)
    {
        try
        {
            int n = encoder.Encode(pcm[..FrameSamples], FrameSamples, payload, Math.Min(payload.Length, MaxPacket));
            return Math.Max(0, n);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return 0;
        }
    }
}
