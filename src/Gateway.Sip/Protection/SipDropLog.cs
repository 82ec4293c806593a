using System.Text;
using Microsoft.Extensions.Logging;

namespace Gateway.Sip.Protection;

/// <summary>
/// Counts dropped input per <see cref="SipDropReason"/> and logs one summary line per interval (with the last
/// source and detail seen) instead of a line per packet, so a flood cannot turn into a flood of log output.
/// The interval timer runs only while there is something to report.
/// </summary>
public sealed class SipDropLog : IDisposable
{
    private static readonly SipDropReason[] Reasons = Enum.GetValues<SipDropReason>();
    private readonly long[] _counts = new long[Reasons.Length];
    private readonly long[] _totals = new long[Reasons.Length];
    private readonly ILogger _logger;
    private readonly TimeSpan _interval;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private bool _armed;
    private string? _lastSource, _lastDetail;

    public SipDropLog(ILogger logger, TimeSpan interval, TimeProvider? time = null)
    {
        _logger = logger;
        _interval = interval;
        _timer = (time ?? TimeProvider.System).CreateTimer(_ => Flush(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Drops since the process started, per reason.</summary>
    public long Total(SipDropReason reason) => Interlocked.Read(ref _totals[(int)reason]);

    /// <summary>Counts one drop; <paramref name="source"/> and <paramref name="detail"/> are kept only as the interval's example.</summary>
    public void Dropped(SipDropReason reason, object? source = null, string? detail = null)
    {
        Interlocked.Increment(ref _counts[(int)reason]);
        Interlocked.Increment(ref _totals[(int)reason]);
        lock (_gate)
        {
            if (detail is not null || _lastSource is null)
            {
                _lastSource = source?.ToString();
                _lastDetail = detail ?? _lastDetail;
            }
            if (_armed) return;
            _armed = true;
            _timer.Change(_interval, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Logs the counts since the last summary, if any, and resets them.</summary>
    public void Flush()
    {
        var line = new StringBuilder();
        for (var i = 0; i < Reasons.Length; i++)
        {
            var count = Interlocked.Exchange(ref _counts[i], 0);
            if (count == 0) continue;
            if (line.Length > 0) line.Append(", ");
            line.Append(Reasons[i]).Append('=').Append(count);
        }
        string? source, detail;
        lock (_gate)
        {
            _armed = false;
            (source, detail) = (_lastSource, _lastDetail);
            (_lastSource, _lastDetail) = (null, null);
        }
        if (line.Length > 0) SipProtectionLog.DropSummary(_logger, _interval.TotalSeconds, line.ToString(), source ?? "-", detail ?? "-");
    }

    public void Dispose()
    {
        _timer.Dispose();
        Flush();
    }
}
