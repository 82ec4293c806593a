using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Gateway.Media.Bridge;
using Gateway.Media.Dtls;
using Gateway.Media.Ice;
using Gateway.Media.Srtp;

namespace Gateway.Bench.Media;

/// <summary>
/// One relayed G.711 packet (12-byte header + 160 bytes) through a real <see cref="MediaSession"/>, from the receive
/// loop's buffer to the real <c>sendto</c> on a loopback UDP sink: web SRTP in -> unprotect -> rewrite -> RTP out, and
/// SIP RTP in -> rewrite -> protect -> SRTP out. The receive syscall is not included (it is the same for any relay).
/// </summary>
[MemoryDiagnoser]
public class BridgeBenchmarks
{
    private const int Ring = 65536; // one SRTP sequence cycle: a fresh inbound context per cycle keeps the replay window happy
    private MediaEngine _engine = null!;
    private MediaSession _session = null!;
    private Socket _webSink = null!, _sipSink = null!;
    private SocketAddress _browser = null!, _trunk = null!;
    private DtlsSrtpKeys _keys = null!;
    private byte[][] _srtp = null!;
    private readonly byte[] _buffer = new byte[1600];
    private readonly byte[] _rtp = new byte[172];
    private int _next;
    private Socket _sendSocket = null!;
    private ushort _sipSeq;

    [GlobalSetup]
    public void Setup()
    {
        _engine = new MediaEngine(new MediaEngineOptions { BindAddress = IPAddress.Loopback, PortMin = 0, PortMax = 0 });
        _session = _engine.CreateSession();
        _webSink = Sink();
        _sipSink = Sink();
        _sendSocket = Sink();
        var browser = (IPEndPoint)_webSink.LocalEndPoint!;
        var trunk = (IPEndPoint)_sipSink.LocalEndPoint!;
        _browser = browser.Serialize();
        _trunk = trunk.Serialize();
        _keys = new DtlsSrtpKeys(SrtpProfile.AesCm128HmacSha1_80, RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(14),
            RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(14));
        _session.ConfigureWebWithKeys(IceCredentials.Generate(), browser, _keys, gatewayIsDtlsServer: true);
        _session.ConfigureSip(trunk, new MediaCodecMapping(0, 0, 8000, 101, 101));

        // What the browser sends: one SRTP cycle protected with its (client) write key.
        var (browserOut, _) = _keys.CreateContexts(isServer: false);
        _srtp = new byte[Ring][];
        var packet = new byte[200];
        for (int i = 0; i < Ring; i++)
        {
            Rtp(packet, (ushort)i, 0x0B0B0B0B);
            browserOut.ProtectRtp(packet, 172, out int n);
            _srtp[i] = packet.AsSpan(0, n).ToArray();
        }
        Rtp(_rtp, 0, 0x7A7A7A7A);
        // Latch the SIP leg to the sink's address.
        _rtp.CopyTo(_buffer, 0);
        _session.Sip.OnRtpDatagram(_buffer, 172, _trunk);
    }

    private static Socket Sink()
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return s;
    }

    private static void Rtp(byte[] packet, ushort seq, uint ssrc)
    {
        packet[0] = 0x80;
        packet[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), seq);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), seq * 160u);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
        packet.AsSpan(12, 160).Fill(0x55);
    }

    /// <summary>Copies the next browser SRTP packet into the buffer; after a full cycle, a fresh inbound context (new replay window).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int NextSrtp()
    {
        if (_next == Ring)
        {
            _next = 0;
            var (_, inbound) = _keys.CreateContexts(isServer: true);
            _session.Web.ReplaceInbound(inbound);
        }
        var packet = _srtp[_next++];
        packet.CopyTo(_buffer, 0);
        return packet.Length;
    }

    /// <summary>Web SRTP in -> unprotect (auth + replay + decrypt) -> rewrite -> plain RTP sendto the trunk.</summary>
    [Benchmark(Baseline = true)]
    public void SrtpInToRtpOut()
    {
        int length = NextSrtp();
        _session.Web.OnDatagram(_buffer, length, _browser);
    }

    /// <summary>Trunk RTP in -> rewrite -> protect -> SRTP sendto the browser.</summary>
    [Benchmark]
    public void RtpInToSrtpOut()
    {
        _rtp.CopyTo(_buffer, 0);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(2), ++_sipSeq);
        _session.Sip.OnRtpDatagram(_buffer, 172, _trunk);
    }

    /// <summary>Reference: the bare sendto of a 172-byte datagram to the same loopback sink (the syscall floor).</summary>
    [Benchmark]
    public int SendToOnly() => _sendSocket.SendTo(_rtp, SocketFlags.None, _browser);

    /// <summary>Reference: the relay work without the syscall (unprotect, rewrite; the send fails fast to an unconfigured leg).</summary>
    [Benchmark]
    public void SrtpInRelayWithoutSend()
    {
        int length = NextSrtp();
        _session.SetForwarding(toWeb: true, toSip: false);
        _session.Web.OnDatagram(_buffer, length, _browser);
        _session.SetForwarding(toWeb: true, toSip: true);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _session.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _webSink.Dispose();
        _sipSink.Dispose();
    }
}
