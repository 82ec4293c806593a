using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Gateway.Sip.Transport;

/// <summary>
/// The client side of SIP over TLS (RFC 3261 §26.2.1, RFC 5922 §7.2): the server certificate is verified by default, against
/// the peer's CA file or the system store, and must name the peer's host, which is also the SNI (RFC 6066 §3). A refused
/// certificate is logged once per attempt with the trunk, the host and the reason.
/// </summary>
internal static class SipTlsClient
{
    public static async Task<SslStream> AuthenticateAsync(Stream inner, SipTlsPeer peer, IPEndPoint remote, ILogger logger, CancellationToken cancellationToken)
    {
        string? refusal = null;
        var tls = new SslStream(inner, leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = peer.TargetHost,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                refusal = Verify(peer, certificate as X509Certificate2, chain, errors);
                return refusal is null;
            },
        };
        try
        {
            await tls.AuthenticateAsClientAsync(options, cancellationToken);
            return tls;
        }
        catch
        {
            if (refusal is not null) SipTransportLog.TlsCertificateRefused(logger, peer.Name, peer.TargetHost, remote, refusal);
            await tls.DisposeAsync();
            throw;
        }
    }

    /// <summary>Null when the certificate is acceptable, else why not.</summary>
    internal static string? Verify(SipTlsPeer peer, X509Certificate2? certificate, X509Chain? systemChain, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)) return "the server sent no certificate";
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            return $"the certificate ({certificate.Subject}) does not name {peer.TargetHost}";
        if (peer.TrustedRoots is not { } roots)
            return errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors)
                ? "the certificate does not chain to the system trust store: " + Describe(systemChain)
                : null;
        if (roots.Count == 0) return "the trunk's tls_ca holds no certificate (unreadable?)";
        // tls_ca: only these roots are trusted (the system store is not consulted).
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (systemChain is not null)
            foreach (var element in systemChain.ChainElements)
                if (!element.Certificate.Equals(certificate)) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        return chain.Build(certificate) ? null : "the certificate does not chain to the trunk's tls_ca: " + Describe(chain);
    }

    private static string Describe(X509Chain? chain)
    {
        if (chain is null) return "no chain";
        var statuses = chain.ChainStatus.Where(s => s.Status != X509ChainStatusFlags.NoError).Select(s => s.Status.ToString()).Distinct().ToList();
        return statuses.Count == 0 ? "untrusted" : string.Join(", ", statuses);
    }
}
