using System.Globalization;
using Gateway.Sip.Messages;

namespace Gateway.Sip.Registration;

/// <summary>
/// When a registration client sends: the refresh of a granted binding, the back-off after a failure, and the expiry a
/// 2xx grants (RFC 3261 §10.2.4, §10.3 step 8).
/// </summary>
public static class RegistrationTiming
{
    public static readonly TimeSpan MinBackoff = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(5);
    /// <summary>The longest expiry we ask for or accept (a 423's Min-Expires above it is a failure).</summary>
    public static readonly TimeSpan MaxExpires = TimeSpan.FromDays(1);
    private static readonly TimeSpan MinRefresh = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Refresh at half the granted expiry (at least 0.5 s): §10.2.4 leaves the moment to the UA; halving leaves the other
    /// half for a failed refresh and its back-off retries before the registrar drops the binding.
    /// </summary>
    public static TimeSpan RefreshDelay(TimeSpan granted)
    {
        var half = granted / 2;
        return half < MinRefresh ? MinRefresh : half;
    }

    /// <summary>
    /// Back-off before retry number <paramref name="failures"/> (1 = the first failure): a ceiling doubling from 2 s up to
    /// 5 min, then "equal jitter" (between half the ceiling and the ceiling, <paramref name="random"/> in [0, 1)), never
    /// under 2 s; a Retry-After (§20.33) lengthens it, still at most 5 min.
    /// </summary>
    public static TimeSpan Backoff(int failures, double random, TimeSpan? retryAfter = null)
    {
        var exponent = Math.Clamp(failures - 1, 0, 16);
        var ceiling = TimeSpan.FromTicks(Math.Min(MinBackoff.Ticks << exponent, MaxBackoff.Ticks));
        var delay = ceiling * (0.5 + 0.5 * Math.Clamp(random, 0, 1));
        if (delay < MinBackoff) delay = MinBackoff;
        if (retryAfter is { } after && after > delay) delay = after;
        return delay > MaxBackoff ? MaxBackoff : delay;
    }

    /// <summary>
    /// The expiry a 2xx grants our binding (§10.2.4): the expires parameter of the Contact that is ours, else the Expires
    /// header, else what we asked. Null when the registrar says 0 (no binding).
    /// </summary>
    public static TimeSpan? Granted(SipResponse ok, SipUri? ourContact, TimeSpan requested)
    {
        uint? seconds = null;
        if (ourContact is not null)
            foreach (var contact in ok.Contacts)
                if (SameAddress(contact.Uri, ourContact) &&
                    uint.TryParse(contact.GetParameter("expires"), NumberStyles.None, CultureInfo.InvariantCulture, out var e))
                {
                    seconds = e;
                    break;
                }
        seconds ??= ok.Expires;
        if (seconds is null) return requested;
        if (seconds == 0) return null;
        var granted = TimeSpan.FromSeconds(seconds.Value);
        return granted > MaxExpires ? MaxExpires : granted;
    }

    /// <summary>The leading delta-seconds of a Retry-After or Min-Expires value (§20.33, §20.23), or null.</summary>
    public static TimeSpan? Seconds(string? value)
    {
        if (value is null) return null;
        var span = value.AsSpan().Trim();
        var end = 0;
        while (end < span.Length && char.IsAsciiDigit(span[end])) end++;
        return end > 0 && end <= 9 && int.TryParse(span[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var s)
            ? TimeSpan.FromSeconds(s) : null;
    }

    /// <summary>Contact URIs compared by user, host and port (§19.1.4 in short; parameters other than transport ignored).</summary>
    private static bool SameAddress(SipUri a, SipUri b) =>
        string.Equals(a.User, b.User, StringComparison.Ordinal) &&
        string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) &&
        (a.Port ?? 5060) == (b.Port ?? 5060);
}
