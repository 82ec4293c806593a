using System.Buffers.Binary;

namespace Gateway.Media.Wav;

/// <summary>Writes 16-bit PCM RIFF/WAVE (44-byte canonical header), mono or interleaved stereo, at any rate.</summary>
public static class WavWriter
{
    public const int HeaderLength = 44;

    /// <summary>Writes the canonical header for <paramref name="sampleCount"/> 16-bit samples per channel.</summary>
    public static void WriteHeader(Span<byte> destination, int sampleRate, int sampleCount, int channels = 1)
    {
        if (destination.Length < HeaderLength) throw new ArgumentException("destination too small", nameof(destination));
        int dataBytes = sampleCount * 2 * channels;
        "RIFF"u8.CopyTo(destination);
        BinaryPrimitives.WriteInt32LittleEndian(destination.Slice(4), 36 + dataBytes);
        "WAVE"u8.CopyTo(destination.Slice(8));
        "fmt "u8.CopyTo(destination.Slice(12));
        BinaryPrimitives.WriteInt32LittleEndian(destination.Slice(16), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(20), (ushort)WavEncoding.Pcm16);
        BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(22), (ushort)channels);
        BinaryPrimitives.WriteInt32LittleEndian(destination.Slice(24), sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(destination.Slice(28), sampleRate * 2 * channels);
        BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(32), (ushort)(2 * channels));
        BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(34), 16);
        "data"u8.CopyTo(destination.Slice(36));
        BinaryPrimitives.WriteInt32LittleEndian(destination.Slice(40), dataBytes);
    }

    /// <summary>Writes a whole file to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, int sampleRate, ReadOnlySpan<short> samples)
    {
        Span<byte> header = stackalloc byte[HeaderLength];
        WriteHeader(header, sampleRate, samples.Length);
        stream.Write(header);
        Span<byte> chunk = stackalloc byte[1024];
        for (int i = 0; i < samples.Length; i += 512)
        {
            int n = Math.Min(512, samples.Length - i);
            for (int k = 0; k < n; k++) BinaryPrimitives.WriteInt16LittleEndian(chunk.Slice(2 * k), samples[i + k]);
            stream.Write(chunk.Slice(0, 2 * n));
        }
    }
}
