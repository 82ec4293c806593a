using Gateway.Media.Transcoding;

namespace Gateway.Media.Conference;

/// <summary>
/// A 20 ms mix at the room's rate -> resample to the codec's rate -> one encoded payload. A participant that hears itself
/// removed has its own; participants of one codec hearing the full mix (muted ones) share one, encoded once per tick
/// (<see cref="EncodedTick"/>). Preallocated; used by the mix thread only.
/// </summary>
internal sealed class ConferenceEncoder
{
    private readonly IAudioFrameEncoder _encoder;
    private readonly Resampler _resampler;
    private readonly short[] _pcm;
    private readonly byte[] _payload = new byte[OpusFrameEncoder.MaxPacket];

    public ConferenceEncoder(IAudioFrameEncoder encoder, int roomRate)
    {
        _encoder = encoder;
        _resampler = Resampler.Create(roomRate, encoder.SampleRate, roomRate / 50);
        _pcm = new short[Math.Max(encoder.FrameSamples, _resampler.OutputLength(roomRate / 50))];
    }

    public uint TimestampStep => _encoder.TimestampStep;
    /// <summary>The mix tick whose payload <see cref="Payload"/> holds (-1: none yet).</summary>
    public long EncodedTick { get; private set; } = -1;
    public int Length { get; private set; }
    public ReadOnlySpan<byte> Payload => _payload.AsSpan(0, Length);
    public long Encodes;

    /// <summary>Encodes one room frame for <paramref name="tick"/>.</summary>
    public void Encode(ReadOnlySpan<short> roomFrame, long tick)
    {
        int n = _resampler.Process(roomFrame, _pcm);
        _pcm.AsSpan(n).Clear();
        Length = _encoder.Encode(_pcm, _payload);
        EncodedTick = tick;
        Encodes++;
    }
}
