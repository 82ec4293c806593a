namespace Gateway.Media.Transcoding;

/// <summary>Decodes one RTP payload to 16-bit mono PCM at <see cref="SampleRate"/>. One per stream, one thread.</summary>
internal interface IAudioFrameDecoder
{
    int SampleRate { get; }

    /// <summary>Samples written, or 0 if the payload is not decodable.</summary>
    int Decode(ReadOnlySpan<byte> payload, Span<short> pcm);

    /// <summary>A lost frame: rebuilt from <paramref name="nextPayload"/> when it carries FEC, concealed otherwise (PLC).</summary>
    int Conceal(ReadOnlySpan<byte> nextPayload, Span<short> pcm);
}

/// <summary>Encodes 20 ms frames of 16-bit mono PCM at <see cref="SampleRate"/> into one RTP payload each.</summary>
internal interface IAudioFrameEncoder
{
    int SampleRate { get; }
    /// <summary>PCM samples per 20 ms frame.</summary>
    int FrameSamples { get; }
    /// <summary>RTP timestamp units per frame (the codec's RTP clock, not its sampling rate: G.722 is 160).</summary>
    uint TimestampStep { get; }

    /// <summary>Bytes written to <paramref name="payload"/> (0 on failure).</summary>
    int Encode(ReadOnlySpan<short> pcm, Span<byte> payload);
}
