using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>One SIP request from a chosen loopback source over UDP or TCP, waiting for its final response's status code.</summary>
public static class SipProbe
{
    public static string Request(string method, string user, IPEndPoint local, IPEndPoint target, string transport, string branch) =>
        $"{method} sip:{user}@{target} SIP/2.0\r\n" +
        $"Via: SIP/2.0/{transport} {local};branch=z9hG4bK{branch};rport\r\n" +
        "Max-Forwards: 70\r\n" +
        $"From: <sip:probe@{local.Address}>;tag={branch}\r\n" +
        $"To: <sip:{user}@{target.Address}>\r\n" +
        $"Call-ID: {branch}@{local.Address}\r\n" +
        $"CSeq: 1 {method}\r\n" +
        $"Contact: <sip:probe@{local}>\r\n" +
        "Content-Length: 0\r\n\r\n";

    /// <summary>UDP OPTIONS from <paramref name="source"/>; the status code of the first final response, or null on timeout.</summary>
    public static async Task<int?> UdpOptionsAsync(IPAddress source, IPEndPoint target, TimeSpan timeout)
    {
        using var client = new UdpClient(new IPEndPoint(source, 0));
        var local = (IPEndPoint)client.Client.LocalEndPoint!;
        await client.SendAsync(Encoding.ASCII.GetBytes(Request("OPTIONS", "gw", local, target, "UDP", "probe" + Environment.TickCount64)), target);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var received = await client.ReceiveAsync(cts.Token);
                if (FinalStatus(Encoding.ASCII.GetString(received.Buffer)) is { } code) return code;
            }
        }
        catch (OperationCanceledException) { return null; }
    }

    /// <summary>A request over a new TCP connection from <paramref name="source"/>; the first final status code, or null.</summary>
    public static async Task<int?> TcpRequestAsync(string method, string user, IPAddress source, IPEndPoint target, TimeSpan timeout)
    {
        using var client = new TcpClient(new IPEndPoint(source, 0));
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await client.ConnectAsync(target, cts.Token);
            var local = (IPEndPoint)client.Client.LocalEndPoint!;
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(Request(method, user, local, target, "TCP", "tcp" + Environment.TickCount64)), cts.Token);
            var text = new StringBuilder();
            var buffer = new byte[4096];
            while (true)
            {
                var read = await stream.ReadAsync(buffer, cts.Token);
                if (read == 0) return null;
                text.Append(Encoding.ASCII.GetString(buffer, 0, read));
                foreach (var message in text.ToString().Split("\r\n\r\n"))
                    if (FinalStatus(message) is { } code) return code;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException) { return null; }
    }

    private static int? FinalStatus(string message) =>
        message.StartsWith("SIP/2.0 ", StringComparison.Ordinal) && int.TryParse(message.AsSpan(8, 3), out var code) && code >= 200 ? code : null;
}
