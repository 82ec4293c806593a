namespace Gateway.Server.Api;

/// <summary>Answer of POST /api/v1/drain: the gateway drains (<c>started</c> false when it already was) and stops after <c>timeoutSeconds</c>.</summary>
public sealed record DrainResource(bool Draining, bool Started, double TimeoutSeconds);
