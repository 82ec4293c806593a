using System.Net;
using System.Net.Sockets;
using Gateway.Media.Dtls;
using Gateway.Media.Demux;
using Xunit;

namespace Gateway.Media.Tests.Dtls;

/// <summary>Our client and server over real UDP sockets on 127.0.0.1 (free ports), demultiplexed per RFC 7983.</summary>
public sealed class DtlsSrtpUdpTests
{
    [Fact]
    public async Task Handshake_OverLoopbackUdp_KeysAgree()
    {
        using var serverSocket = Bind();
        using var clientSocket = Bind();
        var serverEp = (IPEndPoint)serverSocket.LocalEndPoint!;
        var clientEp = (IPEndPoint)clientSocket.LocalEndPoint!;
        using var server = new DtlsSrtpTransport(DtlsTestPeers.ServerCertificate, true, "sha-256",
            DtlsTestPeers.ClientCertificate.Fingerprint, d => serverSocket.SendTo(d.Span, SocketFlags.None, clientEp));
        using var client = new DtlsSrtpTransport(DtlsTestPeers.ClientCertificate, false, "sha-256",
            DtlsTestPeers.ServerCertificate.Fingerprint, d => clientSocket.SendTo(d.Span, SocketFlags.None, serverEp));
        using var cts = new CancellationTokenSource(DtlsAssert.Bound);
        var loops = new[] { ReceiveLoop(serverSocket, server, cts.Token), ReceiveLoop(clientSocket, client, cts.Token) };

        server.Start();
        client.Start();
        var serverKeys = await DtlsAssert.Within(server.Completion);
        var clientKeys = await DtlsAssert.Within(client.Completion);
        DtlsAssert.KeysAgree(serverKeys, clientKeys);
        cts.Cancel();
        await Task.WhenAll(loops);
    }

    internal static Socket Bind()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    /// <summary>Feeds DTLS datagrams to the transport; anything else on the port is ignored (RFC 7983).</summary>
    internal static async Task ReceiveLoop(Socket socket, DtlsSrtpTransport transport, CancellationToken ct)
    {
        var buffer = new byte[2048];
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var r = await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), ct);
                var datagram = buffer.AsSpan(0, r.ReceivedBytes);
                if (MediaPacketClassifier.Classify(datagram) == MediaPacketKind.Dtls) transport.OnDatagram(datagram);
            }
        }
        catch (OperationCanceledException) { }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
    }
}
