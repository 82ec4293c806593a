using Gateway.Server.Registrar;

namespace Gateway.Server.Calls;

/// <summary>
/// Where else a user is held (Cluster/): each other active node holding the user's sessions or bindings, as the SIP
/// device a browser's call to that user rings: an INVITE to the node, its Request-URI marked with the node's id, which
/// the node serves to its own sessions of the user only.
/// </summary>
internal interface IRemoteUsers
{
    /// <summary>The other nodes' devices for <paramref name="user"/>; never throws (a store that fails or is slow: none).</summary>
    Task<IReadOnlyList<RegisteredDevice>> LocateAsync(string user);
}
