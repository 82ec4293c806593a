using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Gateway.Media.Dtls;

/// <summary>
/// The gateway as DTLS 1.2 server (a=setup:passive, RFC 5763 §5): ECDHE-ECDSA with our P-256 certificate, a
/// mandatory client certificate checked against the peer's a=fingerprint, use_srtp (RFC 5764 §4.1.1) and
/// extended master secret.
/// </summary>
internal sealed class DtlsSrtpServer(BcTlsCrypto crypto, DtlsHandshakeState state) : DefaultTlsServer(crypto)
{
    private readonly SrtpProfileChoice _choice = new();

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => DtlsSrtpProtocol.EcdsaCipherSuites;

    // Our order (AES-128-GCM first, as browsers use it) wins over the client's.
    protected override bool PreferLocalCipherSuites() => true;

    // Our own timer aborts the handshake; this is only a backstop on the real clock.
    public override int GetHandshakeTimeoutMillis() => (int)Math.Min(int.MaxValue, 2 * state.Options.HandshakeTimeout.TotalMilliseconds);

    // Key export needs it anyway (RFC 7627 §5.4); requiring it makes the failure explicit.
    public override bool RequiresExtendedMasterSecret() => true;

    public override void ProcessClientExtensions(IDictionary<int, byte[]> clientExtensions)
    {
        base.ProcessClientExtensions(clientExtensions);
        UseSrtpData? offer;
        try { offer = TlsSrtpUtilities.GetUseSrtpExtension(clientExtensions); }
        catch (IOException) { throw state.Fail(AlertDescription.decode_error, "malformed use_srtp extension"); }
        if (offer is null)
            throw state.Fail(AlertDescription.handshake_failure, "the client offered no use_srtp extension");
        // RFC 5764 §4.1.1: the server picks one of the client's profiles; ours are in preference order.
        foreach (var profile in state.Options.Profiles)
        {
            if (Array.IndexOf(offer.ProtectionProfiles, DtlsSrtpProtocol.ToCodePoint(profile)) >= 0)
            {
                _choice.Profile = profile;
                return;
            }
        }
        throw state.Fail(AlertDescription.handshake_failure, "no SRTP protection profile in common with the client");
    }

    public override IDictionary<int, byte[]> GetServerExtensions()
    {
        var extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetServerExtensions());
        // RFC 5764 §4.1.1: exactly one profile and an empty MKI in the answer.
        TlsSrtpUtilities.AddUseSrtpExtension(extensions,
            new UseSrtpData([DtlsSrtpProtocol.ToCodePoint(_choice.Profile!.Value)], TlsUtilities.EmptyBytes));
        return extensions;
    }

    // WebRTC authenticates both ends by fingerprint (RFC 5763 §5), so a client certificate is required.
    public override CertificateRequest GetCertificateRequest() => new(
        [ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign],
        TlsUtilities.GetDefaultSupportedSignatureAlgorithms(m_context), null);

    public override void NotifyClientCertificate(Certificate clientCertificate) => state.VerifyPeer(clientCertificate);

    protected override TlsCredentialedSigner GetECDsaSignerCredentials() =>
        DtlsCredentials.CreateSigner(m_context, (BcTlsCrypto)Crypto, state.Local);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        state.Complete(m_context, _choice);
    }
}
