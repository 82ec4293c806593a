namespace Gateway.Sip.Protection;

/// <summary>What <see cref="SourceRateLimiter"/> decided for one packet or transaction of a source.</summary>
public enum SourceVerdict
{
    Admitted,
    /// <summary>This one emptied the source's bucket: the source is blocked from now on for the block period.</summary>
    NowBlocked,
    /// <summary>The source is in its block period.</summary>
    Blocked,
}

/// <summary>Which per-source bucket a check draws from.</summary>
public enum SourceRateKind
{
    Packet,
    Transaction,
}
