namespace Gateway.Cluster;

/// <summary>Whether a node takes new calls.</summary>
public enum NodeState
{
    Active,
    /// <summary>Finishing its calls before it stops: no new call is sent to it.</summary>
    Draining,
}

/// <summary>What a node says of itself in the shared state, rewritten every heartbeat.</summary>
public sealed record NodeRecord(string Id, string SipUri, NodeState State, int Calls, DateTimeOffset Seen);

/// <summary>What the server reports for its node at each heartbeat.</summary>
public sealed record NodeStatus(NodeState State, int Calls);
