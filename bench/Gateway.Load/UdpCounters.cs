using System.Globalization;

namespace Gateway.Load;

/// <summary>
/// Where datagrams were dropped, from procfs (proc(5)): the host-wide UDP RcvbufErrors of /proc/net/snmp
/// (a receive buffer was full) and the per-socket drop counter of /proc/net/udp. Never throws; null if unreadable.
/// </summary>
public static class UdpCounters
{
    /// <summary>Host-wide datagrams dropped because a socket's receive buffer was full.</summary>
    public static long? ReceiveBufferErrors()
    {
        try
        {
            string[]? names = null;
            foreach (var line in File.ReadLines("/proc/net/snmp"))
            {
                if (!line.StartsWith("Udp: ", StringComparison.Ordinal)) continue;
                var fields = line[5..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (names is null) { names = fields; continue; }
                var i = Array.IndexOf(names, "RcvbufErrors");
                return i >= 0 && i < fields.Length ? long.Parse(fields[i], CultureInfo.InvariantCulture) : null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { }
        return null;
    }

    /// <summary>The drop counter of the IPv4 UDP socket bound to <paramref name="port"/> (the last column of /proc/net/udp).</summary>
    public static long? SocketDrops(int port)
    {
        try
        {
            var hexPort = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
            foreach (var line in File.ReadLines("/proc/net/udp"))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 12 && fields[1].EndsWith(hexPort, StringComparison.Ordinal))
                    return long.Parse(fields[^1], CultureInfo.InvariantCulture);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { }
        return null;
    }
}
