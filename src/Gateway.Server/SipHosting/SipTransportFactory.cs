using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Gateway.Server.Calls;
using Gateway.Sip.Protection;
using Gateway.Sip.Transport;

namespace Gateway.Server.SipHosting;

/// <summary>
/// The SIP transports the "Sip" options ask for: UDP, TCP unless its port is 0, TLS when a certificate is configured; all
/// with the connection bounds of <see cref="SipProtectionOptions"/> and the shared <see cref="SipInboundGuard"/>.
/// </summary>
internal static class SipTransportFactory
{
    public static IReadOnlyList<ISipTransport> Create(GatewaySipOptions options, ILoggerFactory loggers, IServiceProvider? services = null)
    {
        // Without the host's services (tests), each transport gets the default bounds and its own unlimited guard.
        var bounds = services is null ? new SipTransportOptions() : SipHostingSetup.TransportOptions(services);
        var guard = services?.GetRequiredService<SipInboundGuard>();
        if (!IPAddress.TryParse(options.ListenAddress, out var address))
            throw new InvalidOperationException($"Sip:ListenAddress '{options.ListenAddress}' is not an IP address");
        var logger = loggers.CreateLogger("Gateway.Sip.Transport");
        // TLS toward trunks: each connection verifies the trunk its destination belongs to (host, SNI, tls_ca).
        SipTlsPeerResolver? peers = services is null ? null : TrunkTlsPeers.From(services).ResolveAsync;
        var created = new List<ISipTransport>();
        try
        {
            created.Add(new UdpSipTransport(new IPEndPoint(address, options.UdpPort), bounds, logger, guard));
            if (options.TcpPort != 0) created.Add(new TcpSipTransport(new IPEndPoint(address, options.TcpPort), bounds, logger, guard: guard));
            if (options.TlsCertificatePath is { Length: > 0 } certificatePath)
            {
                var tls = new SslServerAuthenticationOptions { ServerCertificate = LoadCertificate(certificatePath, options.TlsKeyPath) };
                created.Add(new TcpSipTransport(new IPEndPoint(address, options.TlsPort), bounds, logger, tlsServer: tls, guard: guard, tlsPeers: peers));
            }
            else
            {
                // No certificate: TLS toward trunks still works (client only, on an ephemeral port that refuses inbound connections).
                created.Add(TcpSipTransport.TlsClientOnly(new IPEndPoint(address, 0), bounds, logger, peers, guard));
            }
            return created;
        }
        catch
        {
            foreach (var t in created) t.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>PEM certificate and key, or a PKCS#12 file when no key path is given.</summary>
    private static X509Certificate2 LoadCertificate(string certificatePath, string? keyPath)
    {
        if (keyPath is { Length: > 0 })
        {
            using var pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            // SslStream on Linux needs the key in an exportable PKCS#12 form.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        return X509CertificateLoader.LoadPkcs12FromFile(certificatePath, null);
    }
}
