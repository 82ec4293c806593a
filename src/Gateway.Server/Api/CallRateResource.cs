namespace Gateway.Server.Api;

/// <summary>Calls started per minute over the last hour: <c>counts[0]</c> is the minute starting at <c>firstMinute</c>, the last one is the current minute.</summary>
public sealed record CallRateResource(DateTimeOffset FirstMinute, long[] Counts);
