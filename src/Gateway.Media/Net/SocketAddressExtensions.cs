using System.Net;
using System.Net.Sockets;

namespace Gateway.Media.Net;

/// <summary>Helpers to keep per-packet address handling allocation-free: receive loops reuse one <see cref="SocketAddress"/>,
/// so anything kept beyond the packet is copied once; comparisons use <see cref="SocketAddress.Equals(SocketAddress)"/>.</summary>
internal static class SocketAddressExtensions
{
    private static readonly IPEndPoint V4 = new(IPAddress.Any, 0);
    private static readonly IPEndPoint V6 = new(IPAddress.IPv6Any, 0);

    public static SocketAddress Copy(this SocketAddress address)
    {
        var copy = new SocketAddress(address.Family, address.Size);
        address.Buffer.Span[..address.Size].CopyTo(copy.Buffer.Span);
        return copy;
    }

    /// <summary>An <see cref="IPEndPoint"/> for the rare paths that need one (STUN, logs); allocates.</summary>
    public static IPEndPoint ToIPEndPoint(this SocketAddress address) =>
        (IPEndPoint)(address.Family == AddressFamily.InterNetworkV6 ? V6 : V4).Create(address);
}
