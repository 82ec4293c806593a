using System.Net;
using System.Net.Sockets;
using Gateway.Sip.Transport;

namespace Gateway.Sip.Tests.Transport;

public sealed class UdpReceiveBufferTests
{
    [Fact]
    public void Asked_size_is_obtained_past_rmem_max_when_privileged_and_reported_either_way()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var before = socket.ReceiveBufferSize;

        var obtained = UdpReceiveBuffer.Apply(socket, 8 * 1024 * 1024);

        Assert.Equal(socket.ReceiveBufferSize, obtained);
        Assert.True(obtained >= before);
        if (OperatingSystem.IsLinux() && Environment.UserName == "root")
            Assert.True(obtained >= 8 * 1024 * 1024, $"root got {obtained}");
    }
}
