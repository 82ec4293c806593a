using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;

namespace Gateway.Server.Observability;

/// <summary>
/// Appends one JSON object per line to the CDR file. <see cref="Write"/> only enqueues into a bounded channel and never
/// throws; a background loop serializes, writes and flushes each line. Failures (unwritable path, full disk) are logged and
/// the file is reopened for the next record; when the queue is full, records are dropped and counted.
/// </summary>
public sealed partial class JsonLinesCdrWriter : ICdrWriter, IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan ErrorLogInterval = TimeSpan.FromSeconds(30);

    private readonly Channel<CallDetailRecord> _queue;
    private readonly ArrayBufferWriter<byte> _line = new(1024);
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private Task? _loop;
    private FileStream? _file;
    private long _dropped;
    private DateTimeOffset _lastErrorLog = DateTimeOffset.MinValue;

    public JsonLinesCdrWriter(string path, int queueCapacity, ILogger<JsonLinesCdrWriter> logger, TimeProvider? time = null)
    {
        FilePath = System.IO.Path.GetFullPath(path);
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _queue = Channel.CreateBounded<CallDetailRecord>(
            new BoundedChannelOptions(Math.Max(1, queueCapacity)) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite },
            _ => Interlocked.Increment(ref _dropped));
    }

    public string FilePath { get; }

    /// <summary>Records dropped because the queue was full or the writer had stopped.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Write(CallDetailRecord record)
    {
        if (!_queue.Writer.TryWrite(record))
            Interlocked.Increment(ref _dropped); // writer completed (shutting down)
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop ??= Task.Run(RunAsync, CancellationToken.None);
        Log.Started(_logger, FilePath);
        return Task.CompletedTask;
    }

    /// <summary>Stops accepting records and drains the queue (bounded by <paramref name="cancellationToken"/>).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        if (_loop is { } loop)
            await loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (Dropped > 0)
            Log.DroppedRecords(_logger, Dropped);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await StopAsync(timeout.Token).ConfigureAwait(false);
        CloseFile();
    }

    private async Task RunAsync()
    {
        await foreach (var record in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                // The whole line is serialized first, so a failure never leaves half a record in the file.
                _line.ResetWrittenCount();
                using (var json = new Utf8JsonWriter(_line))
                    JsonSerializer.Serialize(json, record, CdrJsonContext.Default.CallDetailRecord);
                _line.Write("\n"u8);
                var file = _file ??= OpenFile();
                file.Write(_line.WrittenSpan);
                file.Flush();
            }
            catch (Exception ex)
            {
                // Unwritable path, full disk, or a record that cannot be serialized: logged, dropped, never fatal.
                Interlocked.Increment(ref _dropped);
                if (ex is IOException or UnauthorizedAccessException or NotSupportedException or System.Security.SecurityException)
                    CloseFile(); // reopened for the next record
                var now = _time.GetUtcNow();
                if (now - _lastErrorLog >= ErrorLogInterval)
                {
                    _lastErrorLog = now;
                    Log.WriteFailed(_logger, FilePath, record.CallId, ex);
                }
            }
        }
        CloseFile();
    }

    private FileStream OpenFile()
    {
        if (System.IO.Path.GetDirectoryName(FilePath) is { Length: > 0 } directory)
            Directory.CreateDirectory(directory);
        return new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 4096);
    }

    private void CloseFile()
    {
        try { _file?.Dispose(); }
        catch (IOException) { /* a failed final flush: the record was already counted */ }
        _file = null;
    }

    private static partial class Log
    {
        [LoggerMessage(5001, LogLevel.Information, "Writing call detail records to {Path}")]
        public static partial void Started(ILogger logger, string path);

        [LoggerMessage(5002, LogLevel.Error, "Cannot write the call detail record of call {CallId} to {Path}; records are dropped until it is writable")]
        public static partial void WriteFailed(ILogger logger, string path, string callId, Exception exception);

        [LoggerMessage(5003, LogLevel.Warning, "{Count} call detail records were dropped (queue full or file unwritable)")]
        public static partial void DroppedRecords(ILogger logger, long count);
    }
}

/// <summary>CDRs disabled (<c>Cdr:Path</c> empty): records are discarded.</summary>
public sealed class NullCdrWriter : ICdrWriter
{
    public void Write(CallDetailRecord record) { }
}
