namespace Gateway.Media.Wav;

/// <summary>WAVE format tags we handle (WAVE_FORMAT_PCM = 1, ALAW = 6, MULAW = 7).</summary>
public enum WavEncoding : ushort
{
    Pcm16 = 1,
    ALaw = 6,
    MuLaw = 7,
}
