using System.Net;
using System.Net.Sockets;
using Gateway.Media.Bridge;

namespace Gateway.Interop.Tests.Media;

/// <summary>
/// The apps the browser tests run on the session (PCMU, payload type 0): echo, the browser's own audio comes back;
/// playback, a 440 Hz tone every 20 ms; relay, the full bridge, SRTP -> plain RTP to a loopback "trunk" that sends
/// every packet straight back -> SRTP to the browser. Dispose stops the trunk.
/// </summary>
internal sealed class MediaTestApps : IAsyncDisposable
{
    private readonly Socket _trunk = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _trunkLoop;

    public MediaTestApps(string app)
    {
        if (app is not ("echo" or "playback" or "relay")) throw new ArgumentOutOfRangeException(nameof(app), app, "echo, playback or relay");
        App = app;
        _trunk.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _trunkLoop = app == "relay" ? Task.Run(() => ReflectAsync(_trunk, _stop.Token)) : Task.CompletedTask;
    }

    public string App { get; }

    /// <summary>Starts the app on a session configured for the browser (the harness calls it before answering).</summary>
    public void Start(MediaSession session)
    {
        if (App == "echo") session.StartEcho(0, 8000);
        else if (App == "playback") session.StartPlayback(Tone(440, 8000), 0);
        else session.ConfigureSip((IPEndPoint)_trunk.LocalEndPoint!, new MediaCodecMapping(0, 0, 8000, null, null));
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

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _trunkLoop;
        _trunk.Dispose();
        _stop.Dispose();
    }
}
