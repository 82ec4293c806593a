using System.Collections.Concurrent;
using System.Net;
using Gateway.Media.Bridge;
using Microsoft.Extensions.Logging;

namespace Gateway.Interop.Tests.Media;

/// <summary>
/// What every real-browser media test needs: a <see cref="MediaEngine"/> on loopback with its log captured, and a
/// <see cref="PageServer"/> serving <see cref="MediaTestPage"/>. GET / is the page; POST /offer creates a session from the
/// browser's offer, lets the test start an app on it and answers (<see cref="WebRtcAnswer"/>); POST /result hands the
/// page's own report to the test (browsers the test cannot drive, e.g. Firefox, post their stats there).
/// </summary>
internal sealed class MediaTestHarness : IAsyncDisposable
{
    private readonly ILoggerFactory _loggerFactory;
    private readonly PageServer _http;
    private readonly Action<MediaSession> _startApp;
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private MediaSession? _session;

    /// <param name="startApp">Starts the app on the new session (echo, playback, relay) before the answer is sent.</param>
    public MediaTestHarness(Action<MediaSession> startApp)
    {
        _startApp = startApp;
        _loggerFactory = LoggerFactory.Create(b => b.AddProvider(new QueueLoggerProvider(Logs)).SetMinimumLevel(LogLevel.Debug));
        Engine = new MediaEngine(new MediaEngineOptions { BindAddress = IPAddress.Loopback, PortMin = 0, PortMax = 0 }, _loggerFactory);
        _http = new PageServer(HandleAsync);
    }

    public ConcurrentQueue<string> Logs { get; } = new();
    public MediaEngine Engine { get; }
    /// <summary>The session made for the browser's offer (null until the offer arrived).</summary>
    public MediaSession? Session => Volatile.Read(ref _session);
    /// <summary>Completes when the session raised Connected (ICE and DTLS up on the gateway's side).</summary>
    public Task Connected => _connected.Task;
    /// <summary>The body of the page's POST /result.</summary>
    public Task<string> Result => _result.Task;
    /// <summary>http://127.0.0.1:&lt;port&gt;/, the test page.</summary>
    public string Url => _http.Url;

    /// <summary>The gateway's side for a failure message: offer, answer, log lines, session counters.</summary>
    public string GatewayReport()
    {
        var report = $"--- gateway\n{string.Join('\n', Logs)}";
        if (Session is { } session) report += $"\n--- stats {session.Stats}";
        return report;
    }

    private async Task HandleAsync(HttpListenerRequest request, HttpListenerResponse response)
    {
        if (request.HttpMethod == "GET" && request.Url!.AbsolutePath == "/")
        {
            await response.WriteAsync("text/html", MediaTestPage.Html);
            return;
        }
        if (request.HttpMethod == "POST" && request.Url!.AbsolutePath == "/offer")
        {
            var offerSdp = await new StreamReader(request.InputStream).ReadToEndAsync();
            Logs.Enqueue("offer:\n" + offerSdp);
            var answer = Answer(offerSdp);
            Logs.Enqueue("answer:\n" + answer);
            await response.WriteAsync("application/sdp", answer);
            return;
        }
        if (request.HttpMethod == "POST" && request.Url!.AbsolutePath == "/result")
        {
            _result.TrySetResult(await new StreamReader(request.InputStream).ReadToEndAsync());
            await response.WriteAsync("text/plain", "ok");
            return;
        }
        response.StatusCode = 404;
        response.Close();
    }

    private string Answer(string offerSdp)
    {
        var offer = WebRtcAnswer.Parse(offerSdp);
        var session = Engine.CreateSession();
        if (Interlocked.CompareExchange(ref _session, session, null) is not null)
        {
            _ = session.DisposeAsync();
            throw new InvalidOperationException("one offer per test");
        }
        session.Connected += _ => _connected.TrySetResult();
        session.Ended += (_, reason) => Logs.Enqueue($"session ended: {reason}");
        // Browsers offer a=setup:actpass; we answer passive, so the gateway is the DTLS server (RFC 5763 §5).
        session.ConfigureWeb(offer.Ice, offer.FingerprintAlgorithm, offer.Fingerprint, gatewayIsDtlsServer: true);
        _startApp(session);
        return WebRtcAnswer.Build(offer, session);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (Session is { } session) await session.DisposeAsync();
        await Engine.DisposeAsync();
        _loggerFactory.Dispose();
    }

    private sealed class QueueLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new QueueLogger(lines, categoryName);
        public void Dispose() { }

        private sealed class QueueLogger(ConcurrentQueue<string> lines, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.Message)}");
        }
    }
}
