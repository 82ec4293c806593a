using System.Buffers.Binary;
using Gateway.Media.Codecs;

namespace Gateway.Media.Wav;

/// <summary>
/// Reads RIFF/WAVE: "RIFF" size "WAVE", then chunks id(4) size(4 LE) body (padded to even); needs "fmt "
/// (format tag, channels, rate, byte rate, block align, bits) and "data". Unknown chunks are skipped.
/// </summary>
public static class WavReader
{
    public static WavError TryRead(ReadOnlySpan<byte> file, out WavFormat format, out ReadOnlySpan<byte> data)
    {
        format = default;
        data = default;
        if (file.Length < 12 || !file.StartsWith("RIFF"u8) || !file.Slice(8, 4).SequenceEqual("WAVE"u8)) return WavError.NotRiffWave;
        bool haveFormat = false;
        int pos = 12;
        while (pos + 8 <= file.Length)
        {
            var id = file.Slice(pos, 4);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(file.Slice(pos + 4));
            pos += 8;
            if (id.SequenceEqual("data"u8))
            {
                if (!haveFormat) return WavError.MissingFormat;
                // Streaming writers leave 0 or 0xFFFFFFFF: take the rest of the file.
                long available = file.Length - pos;
                int length = size == 0 || size > available ? (int)available : (int)size;
                length -= length % (format.BytesPerSample * format.Channels);
                data = file.Slice(pos, length);
                return WavError.None;
            }
            if (size > file.Length - pos) return WavError.Truncated;
            if (id.SequenceEqual("fmt "u8))
            {
                if (size < 16) return WavError.Truncated;
                var f = file.Slice(pos, 16);
                ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(f);
                int channels = BinaryPrimitives.ReadUInt16LittleEndian(f.Slice(2));
                int rate = BinaryPrimitives.ReadInt32LittleEndian(f.Slice(4));
                int bits = BinaryPrimitives.ReadUInt16LittleEndian(f.Slice(14));
                if (tag == 0xFFFE && size >= 40) tag = BinaryPrimitives.ReadUInt16LittleEndian(file.Slice(pos + 24)); // EXTENSIBLE subformat
                bool ok = (tag == 1 && bits == 16) || ((tag == 6 || tag == 7) && bits == 8);
                if (!ok || channels < 1 || channels > 2 || rate <= 0) return WavError.UnsupportedFormat;
                format = new WavFormat((WavEncoding)tag, rate, channels);
                haveFormat = true;
            }
            pos += (int)size + (int)(size & 1);
        }
        return haveFormat ? WavError.MissingData : WavError.MissingFormat;
    }

    /// <summary>Number of samples (per all channels) in <paramref name="data"/>.</summary>
    public static int SampleCount(WavFormat format, ReadOnlySpan<byte> data) => data.Length / format.BytesPerSample;

    /// <summary>Decodes the data chunk to 16-bit linear PCM (interleaved if stereo); returns samples written.</summary>
    public static int DecodeToPcm16(WavFormat format, ReadOnlySpan<byte> data, Span<short> destination)
    {
        int count = Math.Min(SampleCount(format, data), destination.Length);
        switch (format.Encoding)
        {
            case WavEncoding.Pcm16:
                for (int i = 0; i < count; i++) destination[i] = BinaryPrimitives.ReadInt16LittleEndian(data.Slice(2 * i));
                break;
            case WavEncoding.MuLaw:
                G711MuLaw.Decode(data.Slice(0, count), destination);
                break;
            case WavEncoding.ALaw:
                G711ALaw.Decode(data.Slice(0, count), destination);
                break;
        }
        return count;
    }
}
