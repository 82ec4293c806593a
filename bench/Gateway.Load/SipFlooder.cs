using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Load;

/// <summary>
/// A bounded SIP flood on loopback, like the attacker findings of issue #12: a third garbage, a third OPTIONS, a third
/// INVITEs that are never ACKed (each with a new branch and Call-ID), at a fixed total rate for a fixed time. Most packets
/// come from a few heavy sources (127.0.1.1-8); a share is sprayed over 256 light sources (127.0.2.x) that each stay
/// under the per-source limits, so the transaction table cap is what bounds them. Responses are read and thrown away.
/// Used by the interop flood test and by <c>gateway-load --flood</c> (media loss of calls through a flood).
/// </summary>
public sealed class SipFlooder : IDisposable
{
    private const double SprayShare = 0.2;
    private readonly UdpClient[] _heavy;
    private readonly UdpClient[] _spray;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _drains = [];
    private long _sent;

    public SipFlooder(IPEndPoint target)
    {
        _target = target;
        _heavy = [.. Enumerable.Range(1, 8).Select(i => Bind(IPAddress.Parse($"127.0.1.{i}")))];
        _spray = [.. Enumerable.Range(0, 256).Select(i => Bind(IPAddress.Parse($"127.0.2.{i}")))];
        foreach (var socket in _heavy.Concat(_spray)) _drains.Add(DrainAsync(socket));
    }

    public long Sent => Interlocked.Read(ref _sent);

    private static UdpClient Bind(IPAddress address)
    {
        var client = new UdpClient(new IPEndPoint(address, 0));
        client.Client.ReceiveBufferSize = 16 * 1024;
        return client;
    }

    private async Task DrainAsync(UdpClient socket)
    {
        try
        {
            while (!_stop.IsCancellationRequested) await socket.ReceiveAsync(_stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { }
    }

    /// <summary>Sends <paramref name="packetsPerSecond"/> for <paramref name="duration"/> on a thread of its own, paced per millisecond.</summary>
    public Task RunAsync(int packetsPerSecond, TimeSpan duration) => Task.Factory.StartNew(() =>
    {
        var random = new Random(12);
        var clock = Stopwatch.StartNew();
        long n = 0;
        while (clock.Elapsed < duration && !_stop.IsCancellationRequested)
        {
            var due = (long)(clock.Elapsed.TotalSeconds * packetsPerSecond);
            for (; n < due; n++)
            {
                var socket = random.NextDouble() < SprayShare ? _spray[n % _spray.Length] : _heavy[n % _heavy.Length];
                var local = (IPEndPoint)socket.Client.LocalEndPoint!;
                try { socket.Send(Packet(n, local, random), _target); }
                catch (SocketException) { }
                Interlocked.Increment(ref _sent);
            }
            Thread.Sleep(1);
        }
    }, TaskCreationOptions.LongRunning);

    private byte[] Packet(long n, IPEndPoint local, Random random) => (n % 3) switch
    {
        0 => Garbage(random),
        1 => Request("OPTIONS", n, local, ""),
        _ => Request("INVITE", n, local, Sdp(local)),
    };

    private static byte[] Garbage(Random random)
    {
        var bytes = new byte[random.Next(40, 600)];
        random.NextBytes(bytes);
        // Half of it looks like SIP at first glance: a request line and then nonsense.
        if (random.Next(2) == 0) Encoding.ASCII.GetBytes("INVITE sip:x SIP/2.0\r\nVia: ").CopyTo(bytes, 0);
        return bytes;
    }

    private byte[] Request(string method, long n, IPEndPoint local, string body) => Encoding.ASCII.GetBytes(
        $"{method} sip:4415550{n % 10000:0000}@{_target} SIP/2.0\r\n" +
        $"Via: SIP/2.0/UDP {local};branch=z9hG4bKflood{n};rport\r\n" +
        "Max-Forwards: 70\r\n" +
        $"From: <sip:attacker@{local.Address}>;tag=f{n}\r\n" +
        $"To: <sip:4415550{n % 10000:0000}@{_target.Address}>\r\n" +
        $"Call-ID: flood-{n}@{local.Address}\r\n" +
        $"CSeq: 1 {method}\r\n" +
        $"Contact: <sip:attacker@{local}>\r\n" +
        (body.Length > 0 ? "Content-Type: application/sdp\r\n" : "") +
        $"Content-Length: {body.Length}\r\n\r\n{body}");

    private static string Sdp(IPEndPoint local) =>
        $"v=0\r\no=- 1 1 IN IP4 {local.Address}\r\ns=-\r\nc=IN IP4 {local.Address}\r\nt=0 0\r\n" +
        "m=audio 40000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n";

    public void Dispose()
    {
        _stop.Cancel();
        foreach (var socket in _heavy.Concat(_spray)) socket.Dispose();
        try { Task.WaitAll([.. _drains], TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }
}
