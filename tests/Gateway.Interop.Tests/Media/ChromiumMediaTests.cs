using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Gateway.Media.Bridge;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Media;

/// <summary>
/// Real Chromium against the media engine over loopback: ICE-lite, DTLS-SRTP (gateway passive = DTLS server), and the
/// echo app sending the browser's PCMU back. The page comes from a tiny HttpListener on http://127.0.0.1:&lt;free port&gt;.
/// </summary>
public sealed class ChromiumMediaTests(ITestOutputHelper output)
{
    /// <summary>echo: the browser's own PCMU comes back; playback: a 440 Hz tone as PCMU every 20 ms; relay: the full
    /// bridge, SRTP -> plain RTP to a loopback "trunk" that sends every packet straight back -> SRTP to the browser.</summary>
    [Theory]
    [InlineData("echo")]
    [InlineData("playback")]
    [InlineData("relay")]
    public async Task Chromium_ConnectsIceAndDtls_AndReceivesAudioFromTheApp(string app)
    {
        if (!Chromium.IsAvailable(output)) return;
        var logs = new ConcurrentQueue<string>();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new QueueLoggerProvider(logs)).SetMinimumLevel(LogLevel.Debug));
        await using var engine = new MediaEngine(new MediaEngineOptions { BindAddress = IPAddress.Loopback, PortMin = 0, PortMax = 0 }, loggerFactory);
        MediaSession? session = null;
        using var trunk = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        trunk.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var stopTrunk = new CancellationTokenSource();
        var trunkLoop = app == "relay" ? Task.Run(() => ReflectAsync(trunk, stopTrunk.Token)) : Task.CompletedTask;
        var connected = new TaskCompletionSource();

        using var http = new PageServer(async (request, response) =>
        {
            if (request.HttpMethod == "GET")
            {
                await response.WriteAsync("text/html", MediaTestPage.Html);
                return;
            }
            if (request.HttpMethod == "POST" && request.Url!.AbsolutePath == "/offer")
            {
                var offerSdp = await new StreamReader(request.InputStream).ReadToEndAsync();
                logs.Enqueue("offer:\n" + offerSdp);
                var offer = WebRtcAnswer.Parse(offerSdp);
                session = engine.CreateSession();
                session.Connected += _ => connected.TrySetResult();
                session.Ended += (_, reason) => logs.Enqueue($"session ended: {reason}");
                // Chromium offers a=setup:actpass; we answer passive, so the gateway is the DTLS server (RFC 5763 §5).
                session.ConfigureWeb(offer.Ice, offer.FingerprintAlgorithm, offer.Fingerprint, gatewayIsDtlsServer: true);
                if (app == "echo") session.StartEcho(0, 8000);
                else if (app == "playback") session.StartPlayback(Tone(440, 8000), 0);
                else session.ConfigureSip((IPEndPoint)trunk.LocalEndPoint!, new MediaCodecMapping(0, 0, 8000, null, null));
                var answer = WebRtcAnswer.Build(offer, session);
                logs.Enqueue("answer:\n" + answer);
                await response.WriteAsync("application/sdp", answer);
                return;
            }
            response.StatusCode = 404;
            response.Close();
        });

        var result = await Chromium.RunNodeAsync("echo-test.mjs", $"{http.Url} 8", TimeSpan.FromSeconds(90));
        var report = $"{result.Output}\n--- gateway\n{string.Join('\n', logs)}";
        if (session is not null) report += $"\n--- stats {session.Stats}";
        output.WriteLine(report);
        try
        {
            Assert.True(result.ExitCode == 0, report);
            var line = result.Stdout.Split('\n').LastOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
            Assert.True(line is not null, report);
            using var json = JsonDocument.Parse(line!["RESULT ".Length..]);
            var samples = json.RootElement.GetProperty("samples").EnumerateArray().ToList();
            var last = samples[^1];
            Assert.True(last.GetProperty("ice").GetString() is "connected" or "completed", "ICE not connected\n" + report);
            Assert.True(last.GetProperty("dtls").GetString() == "connected", "DTLS not connected\n" + report);
            var received = samples.Select(s => s.GetProperty("received").GetInt64()).ToList();
            Assert.True(received[^1] > 0, "no echoed packet reached Chromium\n" + report);
            // Still growing at the end: the echo keeps flowing, not a burst.
            int firstNonZero = received.FindIndex(r => r > 0);
            Assert.True(received[^1] > received[firstNonZero], "inbound-rtp packetsReceived stopped growing\n" + report);
            Assert.True(connected.Task.IsCompleted, "the session never raised Connected\n" + report);
            Assert.True(engine.PacketsRelayed > 0, report);
            Assert.Equal(0, engine.DtlsFailures);
        }
        finally
        {
            stopTrunk.Cancel();
            await trunkLoop;
            if (session is not null) await session.DisposeAsync();
        }
    }

    /// <summary>The "trunk": sends every RTP packet back where it came from (the gateway's SIP leg).</summary>
    private static async Task ReflectAsync(Socket socket, CancellationToken cancel)
    {
        var buffer = new byte[2048];
        try
        {
            while (true)
            {
                var r = await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), cancel);
                if (r.ReceivedBytes >= 12 && buffer[1] is < 192 or > 223) // RTP only; the gateway's RTCP is not reflected
                    await socket.SendToAsync(buffer.AsMemory(0, r.ReceivedBytes), r.RemoteEndPoint, cancel);
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>One second of a sine at half scale, 8 kHz.</summary>
    private static short[] Tone(int hz, int count) =>
        Enumerable.Range(0, count).Select(i => (short)(16000 * Math.Sin(2 * Math.PI * hz * i / 8000.0))).ToArray();

    /// <summary>HttpListener on 127.0.0.1 at a free port; each request goes to the handler.</summary>
    private sealed class PageServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;

        public PageServer(Func<HttpListenerRequest, HttpListenerResponse, Task> handler)
        {
            for (int attempt = 0; ; attempt++)
            {
                int port = FreeTcpPort();
                _listener.Prefixes.Clear();
                _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
                try { _listener.Start(); Url = $"http://127.0.0.1:{port}/"; break; }
                catch (HttpListenerException) when (attempt < 10) { }
            }
            _loop = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try { context = await _listener.GetContextAsync(); }
                    catch (Exception) { break; }
                    _ = Task.Run(async () =>
                    {
                        try { await handler(context.Request, context.Response); }
                        catch (Exception e)
                        {
                            try { context.Response.StatusCode = 500; await context.Response.WriteAsync("text/plain", e.ToString()); }
                            catch (Exception) { }
                        }
                    });
                }
            });
        }

        public string Url { get; } = "";

        private static int FreeTcpPort()
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
        }
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

internal static class HttpListenerResponseExtensions
{
    public static async Task WriteAsync(this HttpListenerResponse response, string contentType, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.ContentType = contentType;
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }
}
