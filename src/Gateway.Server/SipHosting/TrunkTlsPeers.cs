using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Gateway.Dialplan;
using Gateway.Sip.Messages;
using Gateway.Sip.Transport;

namespace Gateway.Server.SipHosting;

/// <summary>
/// Which trunk a TLS connection goes to, asked by the TLS transport when it opens a connection (once per destination):
/// the TLS trunk of the current dialplan whose URI host resolves to that address and port gives the name to verify and
/// send as SNI (the URI host, RFC 5922 §7.2) and its <c>tls_ca</c> roots (loaded once per file). A destination no trunk
/// names is verified against the system store for its address.
/// </summary>
internal sealed class TrunkTlsPeers(Func<CompiledDialplan?> dialplan)
{
    private readonly ConcurrentDictionary<string, (DateTime Written, X509Certificate2Collection Roots)> _roots = new();

    public static TrunkTlsPeers From(IServiceProvider services) =>
        new(() => services.GetService<DialplanWatcher>()?.Current);

    public async ValueTask<SipTlsPeer?> ResolveAsync(IPEndPoint remote, CancellationToken cancellationToken)
    {
        if (dialplan() is not { } plan) return null;
        foreach (var trunk in plan.Trunks.Values)
        {
            if (!SipUri.TryParse(trunk.Uri, out var uri) || !uri!.IsSip) continue;
            if (trunk.Transport != "tls" && uri.Scheme != "sips" && uri.GetParameter("transport") != "tls") continue;
            if ((uri.Port ?? 5061) != remote.Port) continue;
            var host = uri.Host.Trim('[', ']');
            if (!await ResolvesToAsync(host, remote.Address, cancellationToken)) continue;
            return new SipTlsPeer(trunk.Name, host, trunk.TlsCaFile is { } file ? Roots(file) : null);
        }
        return null;
    }

    private static async ValueTask<bool> ResolvesToAsync(string host, IPAddress address, CancellationToken cancellationToken)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.TryParse(host, out var literal)) return literal.Equals(address);
        try
        {
            return (await Dns.GetHostAddressesAsync(host, cancellationToken)).Any(a => (a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a).Equals(address));
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The CA file's certificates, reloaded when the file changes (the dialplan checked it when it loaded).</summary>
    private X509Certificate2Collection? Roots(string file)
    {
        try
        {
            var written = File.GetLastWriteTimeUtc(file);
            if (_roots.TryGetValue(file, out var cached) && cached.Written == written) return cached.Roots;
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(file);
            _roots[file] = (written, roots);
            return roots;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            // An unreadable tls_ca trusts nothing (an empty custom store), never the system store.
            return [];
        }
    }
}
