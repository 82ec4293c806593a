using System.Globalization;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>UDP sockets a process holds, from /proc (Linux): its fd socket inodes joined with /proc/&lt;pid&gt;/net/udp{,6}.</summary>
public static class ProcSockets
{
    public sealed record UdpSocket(int LocalPort, long Inode);

    public static IReadOnlyList<UdpSocket> Udp(int pid)
    {
        var inodes = new HashSet<long>();
        foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
        {
            try
            {
                var target = new FileInfo(fd).LinkTarget;
                if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
                    inodes.Add(long.Parse(target.AsSpan(8, target.Length - 9), CultureInfo.InvariantCulture));
            }
            catch (IOException) { } // the fd closed while we looked
            catch (UnauthorizedAccessException) { }
        }
        var sockets = new List<UdpSocket>();
        foreach (var table in new[] { $"/proc/{pid}/net/udp", $"/proc/{pid}/net/udp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
                var cols = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (cols.Length < 10) continue;
                var inode = long.Parse(cols[9], CultureInfo.InvariantCulture);
                if (!inodes.Contains(inode)) continue;
                var port = int.Parse(cols[1].AsSpan(cols[1].LastIndexOf(':') + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                sockets.Add(new UdpSocket(port, inode));
            }
        }
        return sockets;
    }
}
