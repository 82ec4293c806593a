using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Gateway.Media.Bridge;
using Gateway.Media.Dtls;
using Gateway.Media.Ice;
using Gateway.Media.Srtp;

namespace Gateway.Bench.Media;

/// <summary>
/// What SDES-keyed SRTP on the SIP leg (RFC 4568; issue #14 bar: at most 1.5 us per packet) adds to the relay: the same
/// 172-byte G.711 packet through two real sessions, one with plain RTP toward the trunk and one with SRTP
/// (AES_CM_128_HMAC_SHA1_80), each way up to the real <c>sendto</c>; and the SIP leg's protect and unprotect alone
/// (no syscall), which is the added cost without the loopback noise.
/// </summary>
[MemoryDiagnoser]
public class SipSrtpBenchmarks
{
    private const int Ring = 65536; // one sequence cycle; a fresh inbound context per cycle keeps the replay windows happy
    private MediaEngine _engine = null!;
    private MediaSession _plain = null!, _sdes = null!;
    private Socket _webSink = null!, _sipSink = null!;
    private SocketAddress _browser = null!, _trunk = null!;
    private IPEndPoint _trunkEndPoint = null!;
    private DtlsSrtpKeys _webKeys = null!;
    private SdesSrtpKeys _sipKeys = null!;
    private MediaCodecMapping _mapping = null!;
    private byte[][] _webSrtp = null!, _trunkSrtp = null!;
    private readonly byte[] _buffer = new byte[1600];
    private readonly byte[] _rtp = new byte[172];
    private int _nextWebPlain, _nextWebSdes, _nextTrunk, _nextAlone;
    private ushort _plainSeq;
    private SipLegSrtp _alone = null!, _aloneReceiver = null!;

    [GlobalSetup]
    public void Setup()
    {
        _engine = new MediaEngine(new MediaEngineOptions { BindAddress = IPAddress.Loopback, PortMin = 0, PortMax = 0 });
        _webSink = Sink();
        _sipSink = Sink();
        var browser = (IPEndPoint)_webSink.LocalEndPoint!;
        _trunkEndPoint = (IPEndPoint)_sipSink.LocalEndPoint!;
        _browser = browser.Serialize();
        _trunk = _trunkEndPoint.Serialize();
        _webKeys = new DtlsSrtpKeys(SrtpProfile.AesCm128HmacSha1_80, RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(14),
            RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(14));
        byte[] gatewayKey = RandomNumberGenerator.GetBytes(30), trunkKey = RandomNumberGenerator.GetBytes(30);
        _sipKeys = new SdesSrtpKeys(SrtpProfile.AesCm128HmacSha1_80, gatewayKey, trunkKey);
        _mapping = new MediaCodecMapping(0, 0, 8000, 101, 101);

        _plain = Session(null);
        _sdes = Session(_sipKeys);

        var (browserOut, _) = _webKeys.CreateContexts(isServer: false);
        using var trunkOut = new SrtpContext(SrtpProfile.AesCm128HmacSha1_80, trunkKey.AsSpan(0, 16), trunkKey.AsSpan(16));
        _webSrtp = new byte[Ring][];
        _trunkSrtp = new byte[Ring][];
        var packet = new byte[200];
        for (int i = 0; i < Ring; i++)
        {
            Rtp(packet, (ushort)i, 0x0B0B0B0B);
            browserOut.ProtectRtp(packet, 172, out int n);
            _webSrtp[i] = packet.AsSpan(0, n).ToArray();
            Rtp(packet, (ushort)i, 0x7A7A7A7A);
            trunkOut.ProtectRtp(packet, 172, out n);
            _trunkSrtp[i] = packet.AsSpan(0, n).ToArray();
        }
        browserOut.Dispose();
        Rtp(_rtp, 0, 0x7A7A7A7A);
        // Latch both SIP legs to the sink's address (the SRTP one with its first packet).
        _rtp.CopyTo(_buffer, 0);
        _plain.Sip.OnRtpDatagram(_buffer, 172, _trunk);
        NextTrunk();
        _sdes.Sip.OnRtpDatagram(_buffer, _trunkSrtp[0].Length, _trunk);
        _alone = new SipLegSrtp(_sipKeys);
        _aloneReceiver = new SipLegSrtp(_sipKeys);
    }

    private MediaSession Session(SdesSrtpKeys? keys)
    {
        var session = _engine.CreateSession();
        session.ConfigureWebWithKeys(IceCredentials.Generate(), (IPEndPoint)_webSink.LocalEndPoint!, _webKeys, gatewayIsDtlsServer: true);
        session.ConfigureSip(_trunkEndPoint, _mapping with { SipSrtp = keys });
        return session;
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

    private int NextWeb(MediaSession session, ref int next)
    {
        if (next == Ring)
        {
            next = 0;
            var (_, inbound) = _webKeys.CreateContexts(isServer: true);
            session.Web.ReplaceInbound(inbound);
        }
        var packet = _webSrtp[next++];
        packet.CopyTo(_buffer, 0);
        return packet.Length;
    }

    private int NextTrunk()
    {
        if (_nextTrunk == Ring)
        {
            _nextTrunk = 0;
            _sdes.ConfigureSip(_trunkEndPoint, _mapping); // plain for an instant, then fresh SRTP contexts (new replay window)
            _sdes.ConfigureSip(_trunkEndPoint, _mapping with { SipSrtp = _sipKeys });
        }
        var packet = _trunkSrtp[_nextTrunk++];
        packet.CopyTo(_buffer, 0);
        return packet.Length;
    }

    /// <summary>Web SRTP in -> unprotect -> rewrite -> plain RTP sendto the trunk.</summary>
    [Benchmark(Baseline = true)]
    public void WebToTrunk_PlainRtp() => _plain.Web.OnDatagram(_buffer, NextWeb(_plain, ref _nextWebPlain), _browser);

    /// <summary>Web SRTP in -> unprotect -> rewrite -> protect (SDES keys) -> SRTP sendto the trunk.</summary>
    [Benchmark]
    public void WebToTrunk_Srtp() => _sdes.Web.OnDatagram(_buffer, NextWeb(_sdes, ref _nextWebSdes), _browser);

    /// <summary>Trunk RTP in -> rewrite -> protect -> SRTP sendto the browser.</summary>
    [Benchmark]
    public void TrunkToWeb_PlainRtp()
    {
        _rtp.CopyTo(_buffer, 0);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(2), ++_plainSeq);
        _plain.Sip.OnRtpDatagram(_buffer, 172, _trunk);
    }

    /// <summary>Trunk SRTP in -> unprotect (SDES keys) -> rewrite -> protect -> SRTP sendto the browser.</summary>
    [Benchmark]
    public void TrunkToWeb_Srtp() => _sdes.Sip.OnRtpDatagram(_buffer, NextTrunk(), _trunk);

    /// <summary>The SIP leg's added work toward the trunk alone: protect one 172-byte packet (no syscall).</summary>
    [Benchmark]
    public int SipLegProtectOnly()
    {
        _rtp.CopyTo(_buffer, 0);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(2), ++_plainSeq);
        _alone.ProtectRtp(_buffer, 172, out var n);
        return n;
    }

    /// <summary>The SIP leg's added work from the trunk alone: authenticate, replay-check and decrypt one packet (no syscall).</summary>
    [Benchmark]
    public int SipLegUnprotectOnly()
    {
        if (_nextAlone == Ring)
        {
            _nextAlone = 0;
            _aloneReceiver.Dispose();
            _aloneReceiver = new SipLegSrtp(_sipKeys);
        }
        var packet = _trunkSrtp[_nextAlone++];
        packet.CopyTo(_buffer, 0);
        _aloneReceiver.UnprotectRtp(_buffer.AsSpan(0, packet.Length), out var n);
        return n;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _plain.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _sdes.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _alone.Dispose();
        _aloneReceiver.Dispose();
        _webSink.Dispose();
        _sipSink.Dispose();
    }
}
