using Gateway.Cluster;
using Gateway.Server.Registrar;
using Gateway.Server.Signaling;
using Gateway.Sip.Messages;
using Gateway.Sip.Stack;
using Gateway.Server.Observability;
using Gateway.Server.Calls;
using Gateway.Sip.Transport;
using System.Net;

namespace Gateway.Server.Cluster;

/// <summary>
/// Finding the user's node (Cluster/): a new INVITE for a user is looked up in the shared presence. When other active
/// nodes hold the user, the answer is a 302 (RFC 3261 §21.3.3) with one Contact per node holding it (this one too
/// when it holds the user), each marked <c>;gw-node=&lt;id&gt;</c>; Kamailio in front follows it and forks to them
/// (deploy/kamailio). An INVITE that carries the mark is served here only: when this node does not hold the user
/// (a stale record) it removes its own entry and answers 480. When no other node holds the user, or the store does
/// not answer within <see cref="LookupTimeout"/>, the call is served locally as without a cluster.
/// </summary>
internal sealed partial class ClusterRedirect(ClusterMembership membership, IWebUserDirectory webUsers,
    IRegisteredDevices? devices, GatewayMetrics metrics, ILogger<ClusterRedirect> logger, TimeProvider? time = null) : IRemoteUsers
{
    private readonly ClusterPeerSources _peers = new(membership.Store, time ?? TimeProvider.System);

    public const string NodeParameter = "gw-node";
    public static readonly TimeSpan LookupTimeout = TimeSpan.FromMilliseconds(500);

    /// <summary>True when the cluster answers the INVITE (now or after the lookup); false: serve it locally now. <paramref name="serveLocally"/> runs when the lookup finds no other node.</summary>
    public bool TakesOver(IncomingRequest incoming, string user, Action serveLocally)
    {
        if (!IsPlainUser(user)) return false; // a name that would need escaping in a Contact: served here only
        var local = webUsers.SessionsFor(user).Count > 0 || (devices?.DevicesOf(user).Count ?? 0) > 0;
        if (incoming.Request.RequestUri.GetParameter(NodeParameter) is { } marked)
        {
            if (local) return false;
            Log.StaleRedirect(logger, user, marked);
            _ = ForgetAsync(user);
            Respond(incoming, SipResponse.CreateFor(incoming.Request, 480, "Temporarily Unavailable (user not on this node)", SipStack.NewToken(6)));
            return true;
        }
        _ = LookupAsync(incoming, user, local, serveLocally);
        return true;
    }

    private async Task LookupAsync(IncomingRequest incoming, string user, bool local, Action serveLocally)
    {
        IReadOnlyList<NodeRecord> others;
        try
        {
            var location = await membership.Presence.LocateAsync(user).WaitAsync(LookupTimeout);
            others = location.OtherNodes;
            if (location.ListsThisNode && !local) _ = ForgetAsync(user); // a stale entry of ours
        }
        catch (Exception e)
        {
            Log.LookupFailed(logger, user, e.Message);
            others = [];
        }
        if (others.Count == 0)
        {
            serveLocally();
            return;
        }
        var redirect = SipResponse.CreateFor(incoming.Request, 302, "Moved Temporarily", SipStack.NewToken(6));
        if (local) redirect.AddHeader(SipHeaderNames.Contact, ContactFor(user, membership.NodeId, membership.SipUri));
        foreach (var node in others) redirect.AddHeader(SipHeaderNames.Contact, ContactFor(user, node.Id, node.SipUri));
        Log.Redirected(logger, incoming.Request.CallId ?? "", user, string.Join(",", others.Select(n => n.Id)), local);
        Respond(incoming, redirect);
    }

    /// <summary>
    /// A browser's call on this node to a user it holds nothing of: the other active nodes holding the user, each as a
    /// device reached by an INVITE to <c>sip:user@node;gw-node=id</c> (which that node serves to its own sessions only).
    /// </summary>
    public async Task<IReadOnlyList<RegisteredDevice>> LocateAsync(string user)
    {
        if (!IsPlainUser(user)) return [];
        try
        {
            var location = await membership.Presence.LocateAsync(user).WaitAsync(LookupTimeout);
            return [.. location.OtherNodes.Select(node => NodeAsDevice(user, node)).OfType<RegisteredDevice>()];
        }
        catch (Exception e)
        {
            Log.LookupFailed(logger, user, e.Message);
            return [];
        }
    }

    private static RegisteredDevice? NodeAsDevice(string user, NodeRecord node)
    {
        var contact = ContactFor(user, node.Id, node.SipUri);
        if (!SipUri.TryParse(contact.AsSpan(1, contact.Length - 2), out var uri) || ClusterPeerSources.AddressOf(node.SipUri) is not { } address) return null;
        var protocol = uri!.GetParameter("transport")?.ToLowerInvariant() switch
        {
            "tcp" => SipTransportProtocol.Tcp,
            "tls" => SipTransportProtocol.Tls,
            _ => SipTransportProtocol.Udp,
        };
        return new RegisteredDevice(user, uri, new SipEndPoint(protocol, new IPEndPoint(address, uri.Port ?? (protocol == SipTransportProtocol.Tls ? 5061 : 5060))),
            null, null, DateTimeOffset.MaxValue);
    }

    /// <summary>An INVITE marked for this node (<c>gw-node</c> = its id): another node's call for one of our users, or Kamailio following our 302.</summary>
    public bool IsMarkedForThisNode(SipRequest request) => request.RequestUri.GetParameter(NodeParameter) == membership.NodeId;

    /// <summary>
    /// A marked INVITE from a source no trunk matches: served (<paramref name="serve"/>) when the source is a live
    /// node's address, else 403; a store that does not answer within <see cref="LookupTimeout"/> is a 503.
    /// </summary>
    public void ServeFromPeer(IncomingRequest incoming, Action serve) => _ = ServeFromPeerAsync(incoming, serve);

    private async Task ServeFromPeerAsync(IncomingRequest incoming, Action serve)
    {
        var source = incoming.Source.Address.Address;
        bool isNode;
        try { isNode = await _peers.IsNodeAsync(source).WaitAsync(LookupTimeout); }
        catch (Exception e)
        {
            Log.LookupFailed(logger, "node " + source, e.Message);
            Respond(incoming, SipResponse.CreateFor(incoming.Request, 503, "Service Unavailable (cluster store unreachable)", SipStack.NewToken(6)));
            return;
        }
        if (isNode) serve();
        else Respond(incoming, SipResponse.CreateFor(incoming.Request, 403, "Forbidden (unknown source)", SipStack.NewToken(6)));
    }

    /// <summary>RFC 3261 §25.1 unreserved characters only (what web user and directory names are), at most 64.</summary>
    private static bool IsPlainUser(string user) =>
        user.Length is > 0 and <= 64 && user.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '!' or '~' or '*' or '\'' or '(' or ')' or '+');

    /// <summary><c>&lt;sip:user@host:port;transport=..;gw-node=id&gt;</c> from the node's SIP URI.</summary>
    private static string ContactFor(string user, string node, string sipUri) =>
        $"<sip:{user}@{sipUri["sip:".Length..]};{NodeParameter}={node}>";

    private async Task ForgetAsync(string user)
    {
        try { await membership.Presence.ForgetAsync(user); }
        catch (Exception) { /* the store is down: the entry expires by itself */ }
    }

    private void Respond(IncomingRequest incoming, SipResponse response)
    {
        incoming.Respond(response);
        metrics.SipResponse(response.StatusCode);
    }

    private static partial class Log
    {
        [LoggerMessage(4900, LogLevel.Information, "Cluster: INVITE {CallId} for {User} redirected to nodes {Nodes} (this node too: {Local})")]
        public static partial void Redirected(ILogger logger, string callId, string user, string nodes, bool local);

        [LoggerMessage(4901, LogLevel.Information, "Cluster: INVITE for {User} redirected here as node {Node}, but the user is not here: stale record removed, 480")]
        public static partial void StaleRedirect(ILogger logger, string user, string node);

        [LoggerMessage(4902, LogLevel.Warning, "Cluster: presence lookup for {User} failed ({Reason}); serving the call on this node")]
        public static partial void LookupFailed(ILogger logger, string user, string reason);
    }
}
