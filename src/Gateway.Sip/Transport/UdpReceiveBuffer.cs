using System.Net.Sockets;

namespace Gateway.Sip.Transport;

/// <summary>
/// Sizes a UDP socket's kernel receive queue. Linux caps SO_RCVBUF at net.core.rmem_max; a privileged process may pass the
/// cap with SO_RCVBUFFORCE. Linux reports twice the size it was given (socket(7)), so the figure returned is what it reports.
/// </summary>
public static class UdpReceiveBuffer
{
    private const int SolSocket = 1;
    private const int SoRcvBufForce = 33;

    /// <summary>Asks for <paramref name="bytes"/> and returns the size the kernel reports afterwards.</summary>
    public static int Apply(Socket socket, int bytes)
    {
        try
        {
            socket.ReceiveBufferSize = bytes;
            if (OperatingSystem.IsLinux() && socket.ReceiveBufferSize < bytes)
                socket.SetRawSocketOption(SolSocket, SoRcvBufForce, BitConverter.GetBytes(bytes));
        }
        catch (SocketException)
        {
            // not privileged: the capped size stays, and the caller logs it
        }
        return socket.ReceiveBufferSize;
    }
}
