namespace Gateway.Cluster;

/// <summary>The shared store could not be reached while doing <c>what</c>.</summary>
public sealed class ClusterStoreException(string what, Exception inner) : Exception($"Cluster store unreachable while {what}: {inner.Message}", inner);
