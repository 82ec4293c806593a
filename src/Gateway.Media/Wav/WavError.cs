namespace Gateway.Media.Wav;

/// <summary>Why a RIFF/WAVE file cannot be read (Microsoft RIFF WAVE format).</summary>
public enum WavError
{
    None = 0,
    /// <summary>No "RIFF....WAVE" header.</summary>
    NotRiffWave,
    /// <summary>A chunk header or body runs past the end.</summary>
    Truncated,
    /// <summary>No "fmt " chunk before "data".</summary>
    MissingFormat,
    /// <summary>No "data" chunk.</summary>
    MissingData,
    /// <summary>Not 16-bit PCM, µ-law or A-law mono/stereo.</summary>
    UnsupportedFormat,
}
