using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Sip.Transport;

/// <summary>
/// Who a TLS client connection goes to (RFC 3261 §26.2.1, RFC 5922 §7): the trunk's name (for the log), the host its
/// certificate must name, also sent as SNI (RFC 6066 §3), and the CA certificates it must chain to (null: the system store).
/// </summary>
public sealed record SipTlsPeer(string Name, string TargetHost, X509Certificate2Collection? TrustedRoots)
{
    /// <summary>A destination nobody configured: the system store, and the address as the name to verify.</summary>
    public static SipTlsPeer ForAddress(IPEndPoint remote) => new(remote.ToString(), remote.Address.ToString(), null);
}

/// <summary>Finds the TLS peer for a destination address when a connection to it is opened (null: <see cref="SipTlsPeer.ForAddress"/>).</summary>
public delegate ValueTask<SipTlsPeer?> SipTlsPeerResolver(IPEndPoint remote, CancellationToken cancellationToken);
