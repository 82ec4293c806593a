using System.Collections.Concurrent;
using Gateway.Media.Wav;

namespace Gateway.Server.Calls;

/// <summary>Playback prompts read once (WAV: PCM16, µ-law or A-law), as 8 kHz 16-bit mono for the media plane.</summary>
internal sealed partial class PromptCache(ILogger<PromptCache> logger)
{
    private readonly ConcurrentDictionary<string, (DateTime Written, short[] Samples)> _cache = new(StringComparer.Ordinal);

    /// <summary>The prompt at a path relative to the dialplan's folder; null (logged) when missing or unreadable.</summary>
    public ReadOnlyMemory<short>? Load(string folder, string file)
    {
        var path = Path.GetFullPath(Path.Combine(folder, file));
        try
        {
            var written = File.GetLastWriteTimeUtc(path);
            if (_cache.TryGetValue(path, out var cached) && cached.Written == written) return cached.Samples;
            var bytes = File.ReadAllBytes(path);
            var error = WavReader.TryRead(bytes, out var format, out var data);
            if (error != WavError.None)
            {
                Log.Unreadable(logger, path, error.ToString());
                return null;
            }
            var decoded = new short[WavReader.SampleCount(format, data)];
            var count = WavReader.DecodeToPcm16(format, data, decoded);
            var samples = To8kMono(decoded.AsSpan(0, count), format.SampleRate, format.Channels);
            _cache[path] = (written, samples);
            return samples;
        }
        catch (IOException e)
        {
            Log.Unreadable(logger, path, e.Message);
            return null;
        }
        catch (UnauthorizedAccessException e)
        {
            Log.Unreadable(logger, path, e.Message);
            return null;
        }
    }

    /// <summary>First channel, linearly resampled to 8 kHz.</summary>
    private static short[] To8kMono(ReadOnlySpan<short> interleaved, int rate, int channels)
    {
        channels = Math.Max(1, channels);
        var frames = interleaved.Length / channels;
        if (rate == 8000 && channels == 1) return interleaved.ToArray();
        var outCount = (int)((long)frames * 8000 / Math.Max(1, rate));
        var result = new short[outCount];
        for (var i = 0; i < outCount; i++)
        {
            var position = (double)i * rate / 8000;
            var index = (int)position;
            var next = Math.Min(index + 1, frames - 1);
            var fraction = position - index;
            result[i] = (short)(interleaved[index * channels] * (1 - fraction) + interleaved[next * channels] * fraction);
        }
        return result;
    }

    private static partial class Log
    {
        [LoggerMessage(4090, LogLevel.Error, "Playback prompt {Path} cannot be read: {Error}")]
        public static partial void Unreadable(ILogger logger, string path, string error);
    }
}
