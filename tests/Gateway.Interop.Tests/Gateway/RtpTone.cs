using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Gateway.Media.Codecs;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>
/// The SIP peer's media end for the transcoding tests: once the gateway's first RTP packet arrives (its source is where
/// the gateway listens, symmetric RTP), sends a 1 kHz PCMU tone there every 20 ms (RFC 3551 §4.5.14, payload type 0).
/// Counts received RTP by payload type and keeps the peak level of the PCMU it received.
/// </summary>
public sealed class RtpTone : IDisposable
{
    public const double ToneHz = 1000;
    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receive, _send;
    private readonly Dictionary<int, long> _byPayloadType = [];
    private IPEndPoint? _gateway;
    private long _sent;
    private int _peak;

    public RtpTone()
    {
        _receive = Task.Run(ReceiveAsync);
        _send = Task.Run(SendAsync);
    }

    public int Port => ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;

    /// <summary>Starts the tone toward <paramref name="gateway"/> before any packet came from it (an application that sends nothing first: echo).</summary>
    public void SendTo(IPEndPoint gateway) => Volatile.Write(ref _gateway, gateway);

    public long Sent => Interlocked.Read(ref _sent);
    /// <summary>Largest sample magnitude of the PCMU received from the gateway (the browser's microphone, transcoded).</summary>
    public int PeakReceived => Volatile.Read(ref _peak);

    public long Received(int payloadType)
    {
        lock (_byPayloadType) return _byPayloadType.GetValueOrDefault(payloadType);
    }

    public string Summary()
    {
        lock (_byPayloadType)
            return $"rtp tone :{Port}: received {string.Join(", ", _byPayloadType.Select(p => $"PT{p.Key}={p.Value}"))}; sent {Sent}; peak {PeakReceived}; gateway {_gateway}";
    }

    private async Task ReceiveAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult packet;
            try { packet = await _socket.ReceiveAsync(_stop.Token); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException) { continue; }
            var data = packet.Buffer;
            if (data.Length < 12 || data[0] >> 6 != 2) continue;
            int pt = data[1] & 0x7F;
            if (pt is >= 72 and <= 76) continue; // RTCP
            Volatile.Write(ref _gateway, packet.RemoteEndPoint);
            lock (_byPayloadType) _byPayloadType[pt] = _byPayloadType.GetValueOrDefault(pt) + 1;
            if (pt != 0) continue;
            int peak = 0;
            for (int i = 12; i < data.Length; i++) peak = Math.Max(peak, Math.Abs((int)G711MuLaw.Decode(data[i])));
            if (peak > Volatile.Read(ref _peak)) Volatile.Write(ref _peak, peak);
        }
    }

    private async Task SendAsync()
    {
        var packet = new byte[12 + 160];
        var frame = new short[160];
        ushort seq = 1;
        uint ts = 0;
        long n = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                if (Volatile.Read(ref _gateway) is not { } to) continue;
                for (int i = 0; i < 160; i++) frame[i] = (short)(8000 * Math.Sin(2 * Math.PI * ToneHz * (n * 160 + i) / 8000));
                packet[0] = 0x80;
                packet[1] = 0;
                BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), seq++);
                BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), ts);
                BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), 0x70AE70AE);
                G711MuLaw.Encode(frame, packet.AsSpan(12));
                ts += 160;
                n++;
                try { await _socket.SendAsync(packet, to, _stop.Token); Interlocked.Increment(ref _sent); }
                catch (SocketException) { }
            }
        }
        catch (OperationCanceledException) { }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        try { Task.WaitAll([_receive, _send], TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
        _stop.Dispose();
    }
}
