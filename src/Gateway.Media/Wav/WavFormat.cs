namespace Gateway.Media.Wav;

/// <summary>The "fmt " chunk fields we use.</summary>
public readonly record struct WavFormat(WavEncoding Encoding, int SampleRate, int Channels)
{
    public int BytesPerSample => Encoding == WavEncoding.Pcm16 ? 2 : 1;
}
