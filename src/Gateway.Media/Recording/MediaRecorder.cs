using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Media.Recording;

/// <summary>
/// Starts call recordings under one folder and runs their writer: one background loop every <see cref="PumpInterval"/>
/// for all recordings, off the media threads. At most <see cref="MaxConcurrent"/> recordings at once; past it (or when the
/// file cannot be created) a call goes unrecorded and the log says why.
/// </summary>
public sealed class MediaRecorder : IAsyncDisposable
{
    public static readonly TimeSpan PumpInterval = TimeSpan.FromMilliseconds(100);

    private readonly Lock _gate = new();
    private readonly List<CallRecording> _active = [];
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task? _loop;
    private long _droppedFromEnded, _written;
    private int _starting; // recordings between the limit check and joining _active

    /// <param name="runLoop">False for tests that call <see cref="PumpAll"/> themselves.</param>
    public MediaRecorder(string folder, int maxConcurrent, TimeProvider? time = null, ILogger? logger = null, bool runLoop = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrent, 1);
        Folder = System.IO.Path.GetFullPath(folder);
        MaxConcurrent = maxConcurrent;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        if (runLoop) _loop = Task.Run(RunAsync);
    }

    public string Folder { get; }
    public int MaxConcurrent { get; }

    public int ActiveCount
    {
        get { lock (_gate) return _active.Count; }
    }

    /// <summary>Recordings finished and closed so far (their files are complete).</summary>
    public long WrittenCount => Interlocked.Read(ref _written);

    /// <summary>Frames dropped by every recording so far (the writer fell behind the media path).</summary>
    public long DroppedFrames
    {
        get
        {
            lock (_gate) return _droppedFromEnded + _active.Sum(r => r.DroppedFrames);
        }
    }

    /// <summary>
    /// A new recording in <paramref name="fileName"/> (a plain name: no folder part) at <paramref name="sampleRate"/> (8000 or
    /// 16000), or null when the limit is reached or the file cannot be created.
    /// </summary>
    public CallRecording? Start(string fileName, int sampleRate)
    {
        if (sampleRate is not (8000 or 16000)) throw new ArgumentOutOfRangeException(nameof(sampleRate), "8000 or 16000");
        if (fileName.Length == 0 || fileName.IndexOfAny(['/', '\\']) >= 0 || fileName is "." or "..")
            throw new ArgumentException("a file name without a folder part", nameof(fileName));
        lock (_gate)
        {
            if (_active.Count + _starting >= MaxConcurrent)
            {
                RecordingLog.LimitReached(_logger, fileName, MaxConcurrent);
                return null;
            }
            _starting++; // concurrent starts cannot pass the limit together
        }
        var path = System.IO.Path.Combine(Folder, fileName);
        CallRecording recording;
        try
        {
            Directory.CreateDirectory(Folder);
            var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1, FileOptions.None);
            recording = new CallRecording(path, sampleRate, file, _time);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            lock (_gate) _starting--;
            RecordingLog.CannotCreate(_logger, path, e.Message);
            return null;
        }
        lock (_gate)
        {
            _starting--;
            _active.Add(recording);
        }
        RecordingLog.Started(_logger, path, sampleRate);
        return recording;
    }

    /// <summary>One writer pass over every recording; closes those that were stopped.</summary>
    public void PumpAll()
    {
        CallRecording[] snapshot;
        lock (_gate) snapshot = [.. _active];
        foreach (var recording in snapshot)
        {
            try
            {
                recording.Pump();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                RecordingLog.WriteFailed(_logger, recording.Path, e.Message);
                recording.Stop();
                try { recording.Close(); } catch (Exception) { /* the file is gone: nothing more to write */ }
            }
            if (recording.IsClosed) Remove(recording);
        }
    }

    private void Remove(CallRecording recording)
    {
        lock (_gate)
        {
            if (!_active.Remove(recording)) return;
            _droppedFromEnded += recording.DroppedFrames;
        }
        Interlocked.Increment(ref _written);
        RecordingLog.Finished(_logger, recording.Path, recording.SamplesWritten / (double)recording.SampleRate, recording.DroppedFrames);
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(PumpInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token)) PumpAll();
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Stops the loop and closes every recording with what it has.</summary>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        if (_loop is not null) await _loop.ConfigureAwait(false);
        CallRecording[] snapshot;
        lock (_gate) snapshot = [.. _active];
        foreach (var recording in snapshot)
        {
            try { recording.Close(); } catch (Exception e) when (e is IOException or ObjectDisposedException) { RecordingLog.WriteFailed(_logger, recording.Path, e.Message); }
            Remove(recording);
        }
        _stop.Dispose();
    }
}
