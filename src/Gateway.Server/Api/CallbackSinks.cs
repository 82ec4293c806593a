using System.Net.Http.Json;
using System.Threading.Channels;
using Gateway.Server.Calls;

namespace Gateway.Server.Api;

/// <summary>
/// The callback URLs of originated calls: per call, a bounded queue of its steps (<see cref="QueueCapacity"/>; past it a
/// step is dropped and logged) and one sender that POSTs them in order as JSON, each within <see cref="RequestTimeout"/>,
/// redirects not followed. A failed POST is logged and not retried: the call never waits for its backend.
/// </summary>
internal sealed partial class CallbackSinks(IHttpClientFactory clients, ILogger<CallbackSinks> logger)
{
    private IHttpClientFactory Clients => clients;
    private ILogger Logger => logger;

    public const string ClientName = "Gateway.Callbacks";
    public const int QueueCapacity = 16;
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    public ICallProgressSink Create(string callId, Uri url) => new Sink(this, callId, url);

    private sealed class Sink : ICallProgressSink
    {
        private readonly CallbackSinks _owner;
        private readonly string _callId;
        private readonly Uri _url;
        private readonly Channel<CallProgress> _queue = Channel.CreateBounded<CallProgress>(
            new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
        private int _started;

        public Sink(CallbackSinks owner, string callId, Uri url) => (_owner, _callId, _url) = (owner, callId, url);

        public void Report(CallProgress progress)
        {
            if (!_queue.Writer.TryWrite(progress)) Log.Dropped(_owner.Logger, _callId, progress.Event, QueueCapacity);
            if (progress.Event == OriginateProgress.Ended) _queue.Writer.TryComplete();
            if (Interlocked.Exchange(ref _started, 1) == 0) _ = Task.Run(SendAllAsync);
        }

        private async Task SendAllAsync()
        {
            using var client = _owner.Clients.CreateClient(ClientName);
            await foreach (var step in _queue.Reader.ReadAllAsync())
            {
                var body = new CallbackEvent(_callId, EventName(step.Event), step.At, step.Code, step.Reason, step.Outcome);
                try
                {
                    using var timeout = new CancellationTokenSource(RequestTimeout);
                    using var response = await client.PostAsJsonAsync(_url, body, ApiJsonContext.Default.CallbackEvent, timeout.Token);
                    if (!response.IsSuccessStatusCode) Log.Refused(_owner.Logger, _callId, body.Event, (int)response.StatusCode);
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
                {
                    Log.Failed(_owner.Logger, _callId, body.Event, e.Message);
                }
            }
        }
    }

    internal static string EventName(OriginateProgress step) => step switch
    {
        OriginateProgress.Ringing => "ringing",
        OriginateProgress.Answered => "answered",
        OriginateProgress.Bridged => "bridged",
        _ => "ended",
    };

    private static partial class Log
    {
        [LoggerMessage(4875, LogLevel.Warning, "Call {CallId}: callback for {Event} dropped, {Capacity} steps already queued")]
        public static partial void Dropped(ILogger logger, string callId, OriginateProgress @event, int capacity);

        [LoggerMessage(4876, LogLevel.Warning, "Call {CallId}: callback for {Event} answered {Status}")]
        public static partial void Refused(ILogger logger, string callId, string @event, int status);

        [LoggerMessage(4877, LogLevel.Warning, "Call {CallId}: callback for {Event} failed: {Message}")]
        public static partial void Failed(ILogger logger, string callId, string @event, string message);
    }
}
