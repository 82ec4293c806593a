using System.Diagnostics;
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

/// <summary>
/// Gateway CPU and RSS before, at the peak of, and after a run; and CPU over the plateau alone (every call up, from
/// <see cref="PlateauSettle"/> after the last call came up), which leaves out setup, DTLS and the JIT's warm-up.
/// </summary>
public sealed class GatewayUsage(int? pid)
{
    /// <summary>Seconds of the plateau left out at its start: tiered JIT promotes the hot media path then.</summary>
    public const int PlateauSettle = 3;

    private double? _cpuBefore, _cpuAfter;
    private long? _rssBefore, _rssPeak;
    private int _plateauSeconds;
    private double? _plateauCpuStart, _plateauCpuEnd;
    private long _plateauStartTicks, _plateauEndTicks;
    private double _plateauCallSeconds;
    private int _plateauCallsLast;

    public void Begin()
    {
        if (pid is not { } p) return;
        _cpuBefore = ProcessSampler.CpuSeconds(p);
        _rssBefore = _rssPeak = ProcessSampler.RssKiB(p);
    }

    /// <summary>Called every second: keeps the highest RSS seen, and the plateau's CPU while <paramref name="callsUp"/> holds at <paramref name="plateauLevel"/>.</summary>
    public void Sample(int callsUp = 0, int plateauLevel = int.MaxValue)
    {
        if (pid is not { } p) return;
        if (ProcessSampler.RssKiB(p) is { } rss && (_rssPeak is null || rss > _rssPeak)) _rssPeak = rss;
        if (callsUp < plateauLevel || _plateauSeconds < 0)
        {
            if (_plateauCpuStart is not null) _plateauSeconds = -1; // the plateau ended: keep what it measured
            return;
        }
        if (++_plateauSeconds < PlateauSettle) return;
        var now = Stopwatch.GetTimestamp();
        var cpu = ProcessSampler.CpuSeconds(p);
        if (_plateauCpuStart is null)
        {
            (_plateauCpuStart, _plateauStartTicks, _plateauCallsLast) = (cpu, now, callsUp);
            return;
        }
        _plateauCallSeconds += (callsUp + _plateauCallsLast) / 2.0 * Stopwatch.GetElapsedTime(_plateauEndTicks == 0 ? _plateauStartTicks : _plateauEndTicks, now).TotalSeconds;
        (_plateauCpuEnd, _plateauEndTicks, _plateauCallsLast) = (cpu, now, callsUp);
    }

    /// <summary>Gateway CPU milliseconds per call-second over the settled plateau (null when it was too short to measure).</summary>
    public double? PlateauMsPerCallSecond =>
        _plateauCpuStart is { } s && _plateauCpuEnd is { } e && _plateauCallSeconds > 0 ? (e - s) * 1000 / _plateauCallSeconds : null;

    /// <summary>Seconds the plateau figure covers.</summary>
    public double PlateauSeconds => _plateauEndTicks == 0 ? 0 : Stopwatch.GetElapsedTime(_plateauStartTicks, _plateauEndTicks).TotalSeconds;

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
