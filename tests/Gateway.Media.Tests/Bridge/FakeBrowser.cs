using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Gateway.Media.Bridge;
using Gateway.Media.Dtls;
using Gateway.Media.Ice;
using Gateway.Media.Srtp;
using Gateway.Media.Stun;

namespace Gateway.Media.Tests.Bridge;

/// <summary>
/// The browser side built from the library: a loopback UDP socket that sends ICE checks (controlling, USE-CANDIDATE,
/// MESSAGE-INTEGRITY, RFC 8445 §7.2), optionally runs a DTLS client, and protects/unprotects SRTP.
/// </summary>
internal sealed class FakeBrowser : IDisposable
{
    public readonly Socket Socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    public IceCredentials Ice { get; } = IceCredentials.Generate();
    public SrtpContext? Outbound { get; private set; }
    public SrtpContext? Inbound { get; private set; }
    public uint Ssrc { get; } = 0x0B0B0B0B;
    private ushort _seq = 1000;
    private uint _ts = 5000;

    public FakeBrowser() => Socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));

    public IPEndPoint EndPoint => (IPEndPoint)Socket.LocalEndPoint!;

    public static DtlsSrtpKeys RandomKeys() => new(SrtpProfile.AesCm128HmacSha1_80,
        RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(14), RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(14));

    /// <summary>Keys as the DTLS client (the gateway is the server).</summary>
    public void UseKeys(DtlsSrtpKeys keys, bool browserIsServer = false) => (Outbound, Inbound) = keys.CreateContexts(browserIsServer);

    public byte[] Check(IceCredentials gateway, bool useCandidate = true, string? password = null)
    {
        var buf = new byte[256];
        Span<byte> tid = stackalloc byte[12];
        StunWriter.NewTransactionId(tid);
        var w = new StunWriter(buf, StunMethod.Binding, StunClass.Request, tid);
        w.AddAttribute(StunAttributeType.Username, Encoding.UTF8.GetBytes(gateway.Ufrag + ":" + Ice.Ufrag));
        w.AddUInt32(StunAttributeType.Priority, 0x6E0001FF);
        w.AddUInt64(StunAttributeType.IceControlling, 42);
        if (useCandidate) w.AddFlag(StunAttributeType.UseCandidate);
        w.AddMessageIntegrity(Encoding.UTF8.GetBytes(password ?? gateway.Password));
        w.AddFingerprint();
        Assert.Equal(StunError.None, w.Error);
        return buf.AsSpan(0, w.Length).ToArray();
    }

    /// <summary>Sends a check to the session's web port (from <paramref name="from"/>, e.g. after a move) and waits for the success response.</summary>
    public async Task ConnectIceAsync(MediaSession session, bool useCandidate = true, Socket? from = null)
    {
        var socket = from ?? Socket;
        socket.SendTo(Check(session.LocalIce, useCandidate), session.WebEndPoint);
        var response = await ReceiveAsync(socket, TimeSpan.FromSeconds(5), d => StunMessage.IsStun(d));
        Assert.NotNull(response);
        Assert.Equal(StunError.None, StunMessage.TryParse(response, out var m, out _));
        Assert.Equal(StunClass.SuccessResponse, m.Class);
    }

    public byte[] Rtp(int pt, int payloadLength = 160, byte fill = 0x55, bool marker = false)
    {
        var packet = new byte[12 + payloadLength + 16];
        packet[0] = 0x80;
        packet[1] = (byte)((marker ? 0x80 : 0) | pt);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), _seq++);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), _ts);
        _ts += 160;
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), Ssrc);
        packet.AsSpan(12, payloadLength).Fill(fill);
        return packet;
    }

    /// <summary>Protects an RTP packet (12-byte header + payload at the start of <paramref name="rtp"/>) and sends it.</summary>
    public void SendSrtp(byte[] rtp, int rtpLength, EndPoint to, Socket? from = null)
    {
        Assert.Equal(SrtpError.None, Outbound!.ProtectRtp(rtp, rtpLength, out int n));
        (from ?? Socket).SendTo(rtp.AsSpan(0, n), to);
    }

    /// <summary>Audio to the session's web port, from the browser's socket or <paramref name="from"/> (e.g. after a move).</summary>
    public void SendAudio(MediaSession session, int pt, byte fill = 0x55, Socket? from = null)
    {
        var packet = Rtp(pt, fill: fill);
        SendSrtp(packet, 172, session.WebEndPoint, from);
    }

    /// <summary>Next datagram matching <paramref name="filter"/>, or null after the timeout.</summary>
    public Task<byte[]?> ReceiveAsync(TimeSpan timeout, Func<byte[], bool>? filter = null) => ReceiveAsync(Socket, timeout, filter);

    /// <summary>Next datagram on <paramref name="socket"/> matching <paramref name="filter"/>, or null after the timeout.</summary>
    public static async Task<byte[]?> ReceiveAsync(Socket socket, TimeSpan timeout, Func<byte[], bool>? filter = null)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buf = new byte[2048];
        try
        {
            while (true)
            {
                int n = await socket.ReceiveAsync(buf, SocketFlags.None, cts.Token);
                var d = buf.AsSpan(0, n).ToArray();
                if (filter is null || filter(d)) return d;
            }
        }
        catch (OperationCanceledException) { return null; }
    }

    /// <summary>Next SRTP (not SRTCP) packet from the gateway (on <paramref name="on"/> if given), unprotected; null on timeout.</summary>
    public async Task<byte[]?> ReceiveRtpAsync(TimeSpan timeout, Socket? on = null)
    {
        var end = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < end)
        {
            var d = await ReceiveAsync(on ?? Socket, end - DateTime.UtcNow, d => d.Length >= 12 && d[0] >> 6 == 2 && !(d[1] >= 192 && d[1] <= 223));
            if (d is null) return null;
            if (Inbound!.UnprotectRtp(d, out int n) == SrtpError.None) return d[..n];
        }
        return null;
    }

    public void Dispose()
    {
        Socket.Dispose();
        Outbound?.Dispose();
        Inbound?.Dispose();
    }
}

/// <summary>A plain RTP peer on loopback acting as the SIP trunk.</summary>
internal sealed class FakeTrunk : IDisposable
{
    public readonly Socket Socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private ushort _seq = 7000;
    private uint _ts = 90000;
    public uint Ssrc { get; } = 0x7A7A7A7A;

    public FakeTrunk() => Socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    public IPEndPoint EndPoint => (IPEndPoint)Socket.LocalEndPoint!;

    public byte[] Rtp(int pt, int payloadLength = 160, byte fill = 0x33)
    {
        var packet = new byte[12 + payloadLength];
        packet[0] = 0x80;
        packet[1] = (byte)pt;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), _seq++);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), _ts);
        _ts += 160;
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), Ssrc);
        packet.AsSpan(12).Fill(fill);
        return packet;
    }

    public void Send(MediaSession session, byte[] packet) => Socket.SendTo(packet, session.SipEndPoint);

    /// <summary>Next RTP packet (RTCP skipped); null on timeout.</summary>
    public async Task<byte[]?> ReceiveRtpAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buf = new byte[2048];
        try
        {
            while (true)
            {
                int n = await Socket.ReceiveAsync(buf, SocketFlags.None, cts.Token);
                if (n >= 12 && !(buf[1] >= 192 && buf[1] <= 223)) return buf.AsSpan(0, n).ToArray();
            }
        }
        catch (OperationCanceledException) { return null; }
    }

    public void Dispose() => Socket.Dispose();
}
