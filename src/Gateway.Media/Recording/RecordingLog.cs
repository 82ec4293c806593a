using Microsoft.Extensions.Logging;

namespace Gateway.Media.Recording;

/// <summary>Source-generated log messages of call recording (event ids 6260-6269).</summary>
internal static partial class RecordingLog
{
    [LoggerMessage(6260, LogLevel.Information, "Recording {Path} started at {SampleRate} Hz")]
    public static partial void Started(ILogger logger, string path, int sampleRate);

    [LoggerMessage(6261, LogLevel.Information, "Recording {Path} finished: {Seconds:F1} s, {Dropped} frames dropped")]
    public static partial void Finished(ILogger logger, string path, double seconds, long dropped);

    [LoggerMessage(6262, LogLevel.Warning, "Call not recorded ({FileName}): {Limit} recordings already running (Recording:MaxConcurrent)")]
    public static partial void LimitReached(ILogger logger, string fileName, int limit);

    [LoggerMessage(6263, LogLevel.Error, "Call not recorded: cannot create {Path}: {Error}")]
    public static partial void CannotCreate(ILogger logger, string path, string error);

    [LoggerMessage(6264, LogLevel.Error, "Recording {Path} stopped: write failed: {Error}")]
    public static partial void WriteFailed(ILogger logger, string path, string error);
}
