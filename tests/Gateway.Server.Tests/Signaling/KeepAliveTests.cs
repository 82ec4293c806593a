using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Gateway.Server.Signaling;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests.Signaling;

/// <summary>WebSocket-level keep-alive (RFC 6455 §5.5.2/§5.5.3), seen from a raw TCP client that never answers pings.</summary>
public sealed class KeepAliveTests
{
    [Fact]
    public async Task Server_SendsPings_AndDropsAPeerThatNeverPongs()
    {
        await using var host = await SignalingTestHost.StartAsync(new()
        {
            ["Signaling:KeepAliveInterval"] = "00:00:00.200",
            ["Signaling:KeepAliveTimeout"] = "00:00:00.300",
        });
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(host.BaseUri.Host, host.BaseUri.Port);
        var stream = tcp.GetStream();
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = $"GET /ws HTTP/1.1\r\nHost: {host.BaseUri.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                      $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var head = await ReadHeadAsync(stream, timeout.Token);
        Assert.StartsWith("HTTP/1.1 101", head);

        // Frames: the welcome (text, opcode 1), then pings (opcode 9) that this client leaves unanswered.
        var opcodes = new List<int>();
        while (!opcodes.Contains(0x9)) opcodes.Add(await ReadFrameOpcodeAsync(stream, timeout.Token));
        Assert.Equal(0x1, opcodes[0]);

        var session = FirstSession(host);
        for (var i = 0; i < 100 && session.IsAttached; i++) await Task.Delay(50);
        Assert.False(session.IsAttached); // dropped for the missing pong; the session waits for a reconnect
        Assert.False(session.IsEnded);
    }

    private static WebSession FirstSession(SignalingTestHost host) =>
        host.Services.GetRequiredService<SessionManager>().All.Single();

    private static async Task<string> ReadHeadAsync(NetworkStream stream, CancellationToken token)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one, token) == 0) throw new EndOfStreamException();
            head.Append((char)one[0]);
        }
        return head.ToString();
    }

    /// <summary>Reads one unmasked server frame (RFC 6455 §5.2) and returns its opcode.</summary>
    private static async Task<int> ReadFrameOpcodeAsync(NetworkStream stream, CancellationToken token)
    {
        var header = new byte[2];
        await stream.ReadExactlyAsync(header, token);
        long length = header[1] & 0x7F;
        if (length == 126)
        {
            var ext = new byte[2];
            await stream.ReadExactlyAsync(ext, token);
            length = (ext[0] << 8) | ext[1];
        }
        else if (length == 127)
        {
            var ext = new byte[8];
            await stream.ReadExactlyAsync(ext, token);
            length = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(ext);
        }
        await stream.ReadExactlyAsync(new byte[length], token);
        return header[0] & 0x0F;
    }
}
