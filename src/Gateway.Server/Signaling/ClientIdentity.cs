using System.Net;

namespace Gateway.Server.Signaling;

/// <summary>Who a connecting client is (protocol.md "Transport").</summary>
/// <param name="Identity">The token's sub, or a loopback client's claimed ?user=; null when anonymous.</param>
/// <param name="TokenAuthenticated">True when a valid token was presented: the client may only act as <paramref name="Identity"/>.</param>
internal readonly record struct ClientIdentity(string? Identity, bool TokenAuthenticated, IPAddress RemoteAddress);
