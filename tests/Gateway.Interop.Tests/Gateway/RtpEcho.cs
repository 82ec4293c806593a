using System.Net;
using System.Net.Sockets;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>
/// The SIP peer's media end for the tests: sipp's SDP points here (<c>-key rtpport</c>). Counts received RTP by payload
/// type, decodes RFC 4733 telephone-events (RFC 4733 §2.3: event, E bit, volume, duration) into digits, and echoes every
/// other packet back to its sender, so audio the browser sends comes back to it through the gateway.
/// </summary>
public sealed class RtpEcho : IDisposable
{
    private const string Events = "0123456789*#ABCD";
    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Dictionary<int, long> _byPayloadType = [];
    private readonly List<char> _digits = [];
    private readonly HashSet<uint> _endedEvents = [];
    private long _echoed;

    public int Port => ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;
    public IPEndPoint? LastSender { get; private set; }

    public RtpEcho()
    {
        _loop = Task.Run(LoopAsync);
    }

    public long Received(int payloadType)
    {
        lock (_byPayloadType) return _byPayloadType.GetValueOrDefault(payloadType);
    }

    public long TotalReceived
    {
        get { lock (_byPayloadType) return _byPayloadType.Values.Sum(); }
    }

    public long Echoed => Interlocked.Read(ref _echoed);

    /// <summary>Digits whose telephone-event end packet arrived (once per event, however many end packets).</summary>
    public string Digits
    {
        get { lock (_byPayloadType) return new string(_digits.ToArray()); }
    }

    public string Summary()
    {
        lock (_byPayloadType)
            return $"rtp echo :{Port}: received {string.Join(", ", _byPayloadType.Select(p => $"PT{p.Key}={p.Value}"))}; echoed {Echoed}; digits '{new string(_digits.ToArray())}'; from {LastSender}";
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult packet;
            try { packet = await _socket.ReceiveAsync(_stop.Token); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException) { continue; } // ICMP port unreachable from an earlier send
            var data = packet.Buffer;
            if (data.Length < 12 || data[0] >> 6 != 2) continue;
            var payloadType = data[1] & 0x7f;
            if (payloadType is >= 72 and <= 76) continue; // RTCP on the RTP port (RFC 5761 §4)
            LastSender = packet.RemoteEndPoint;
            lock (_byPayloadType)
            {
                _byPayloadType[payloadType] = _byPayloadType.GetValueOrDefault(payloadType) + 1;
                var headerLength = 12 + 4 * (data[0] & 0x0f);
                if ((data[0] & 0x10) != 0 && data.Length >= headerLength + 4)
                    headerLength += 4 + 4 * ((data[headerLength + 2] << 8) | data[headerLength + 3]);
                if (payloadType == 101 && data.Length >= headerLength + 4)
                {
                    var timestamp = (uint)((data[4] << 24) | (data[5] << 16) | (data[6] << 8) | data[7]);
                    var ended = (data[headerLength + 1] & 0x80) != 0;
                    var evt = data[headerLength];
                    if (ended && evt < Events.Length && _endedEvents.Add(timestamp)) _digits.Add(Events[evt]);
                    continue; // not echoed: the gateway would relay them back to the browser
                }
            }
            try
            {
                await _socket.SendAsync(data, packet.RemoteEndPoint, _stop.Token);
                Interlocked.Increment(ref _echoed);
            }
            catch (SocketException) { }
            catch (OperationCanceledException) { return; }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        try { _loop.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
        _stop.Dispose();
    }
}
