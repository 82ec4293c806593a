using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Gateway.Media.Dtls;

/// <summary>
/// The gateway as DTLS 1.2 client (a=setup:active, RFC 5763 §5): offers use_srtp with our profiles
/// (RFC 5764 §4.1.1), checks the server's certificate against its a=fingerprint and authenticates with ours.
/// </summary>
internal sealed class DtlsSrtpClient(BcTlsCrypto crypto, DtlsHandshakeState state) : DefaultTlsClient(crypto)
{
    private readonly SrtpProfileChoice _choice = new();

    internal TlsClientContext Context => m_context;
    internal DtlsHandshakeState State => state;

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => DtlsSrtpProtocol.ClientCipherSuites;

    public override int GetHandshakeTimeoutMillis() => (int)Math.Min(int.MaxValue, 2 * state.Options.HandshakeTimeout.TotalMilliseconds);

    public override bool RequiresExtendedMasterSecret() => true;

    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        var extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetClientExtensions());
        var profiles = state.Options.Profiles.Select(DtlsSrtpProtocol.ToCodePoint).ToArray();
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData(profiles, TlsUtilities.EmptyBytes));
        return extensions;
    }

    public override void ProcessServerExtensions(IDictionary<int, byte[]> serverExtensions)
    {
        base.ProcessServerExtensions(serverExtensions);
        UseSrtpData? answer;
        try { answer = serverExtensions is null ? null : TlsSrtpUtilities.GetUseSrtpExtension(serverExtensions); }
        catch (IOException) { throw state.Fail(AlertDescription.decode_error, "malformed use_srtp extension"); }
        if (answer is null)
            throw state.Fail(AlertDescription.handshake_failure, "the server did not negotiate use_srtp");
        // RFC 5764 §4.1.1: the answer holds exactly one of the offered profiles.
        if (answer.ProtectionProfiles.Length != 1
            || !DtlsSrtpProtocol.TryFromCodePoint(answer.ProtectionProfiles[0], out var profile)
            || !state.Options.Profiles.Contains(profile))
            throw state.Fail(AlertDescription.illegal_parameter, "the server chose an SRTP profile that was not offered");
        _choice.Profile = profile;
    }

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        state.Complete(m_context, _choice);
    }

    private sealed class Authentication(DtlsSrtpClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate) =>
            client.State.VerifyPeer(serverCertificate.Certificate);

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest) =>
            DtlsCredentials.CreateSigner(client.Context, (BcTlsCrypto)client.Crypto, client.State.Local);
    }
}
