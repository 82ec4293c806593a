namespace Gateway.Media.Bridge;

/// <summary>A snapshot of one session's counters (for CDRs and metrics).</summary>
public readonly record struct MediaSessionStats(
    long WebPacketsIn, long WebBytesIn, long WebPacketsOut, long WebBytesOut,
    long SipPacketsIn, long SipBytesIn, long SipPacketsOut, long SipBytesOut,
    long WebPacketsLost, long SipPacketsLost,
    double WebJitterMs, double SipJitterMs);
