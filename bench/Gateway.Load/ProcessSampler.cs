using System.Globalization;
using System.Runtime.InteropServices;

namespace Gateway.Load;

/// <summary>
/// CPU time and resident memory of the gateway process from procfs: /proc/&lt;pid&gt;/stat fields 14 and 15
/// (utime, stime, in clock ticks) and VmRSS from /proc/&lt;pid&gt;/status (proc(5)). Never throws: a vanished
/// process reads as null.
/// </summary>
public static partial class ProcessSampler
{
    private static readonly long ClockTicks = ReadClockTicks();

    /// <summary>utime + stime in seconds.</summary>
    public static double? CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) is in parentheses and may contain spaces: count fields after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // fields[0] is field 3 (state), so utime (14) and stime (15) are fields[11] and fields[12].
            var utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
            var stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
            return (utime + stime) / (double)ClockTicks;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>VmRSS in KiB.</summary>
    public static long? RssKiB(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
        }
        return null;
    }

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long SysConf(int name);

    private static long ReadClockTicks()
    {
        const int ScClkTck = 2; // _SC_CLK_TCK on Linux
        try
        {
            var ticks = SysConf(ScClkTck);
            return ticks > 0 ? ticks : 100;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return 100;
        }
    }
}

/// <summary>Gateway CPU and RSS before, at the peak of, and after a run.</summary>
public sealed class GatewayUsage(int? pid)
{
    private double? _cpuBefore, _cpuAfter;
    private long? _rssBefore, _rssPeak;

    public void Begin()
    {
        if (pid is not { } p) return;
        _cpuBefore = ProcessSampler.CpuSeconds(p);
        _rssBefore = _rssPeak = ProcessSampler.RssKiB(p);
    }

    /// <summary>Called every second: keeps the highest RSS seen.</summary>
    public void Sample()
    {
        if (pid is not { } p || ProcessSampler.RssKiB(p) is not { } rss) return;
        if (_rssPeak is null || rss > _rssPeak) _rssPeak = rss;
    }

    public void End()
    {
        if (pid is not { } p) return;
        _cpuAfter = ProcessSampler.CpuSeconds(p);
        Sample();
    }

    public double? CpuSeconds => _cpuBefore is { } b && _cpuAfter is { } a ? a - b : null;
    public long? RssDeltaKiB => _rssBefore is { } b && _rssPeak is { } p ? p - b : null;
    public long? RssPeakKiB => _rssPeak;
}
