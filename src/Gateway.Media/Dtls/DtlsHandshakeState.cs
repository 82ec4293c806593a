using Org.BouncyCastle.Tls;

namespace Gateway.Media.Dtls;

/// <summary>
/// What the BouncyCastle server/client learn during one handshake, shared with <see cref="DtlsSrtpTransport"/>:
/// the exported keys, or the precise reason it failed (BouncyCastle only reports an alert code).
/// Written by the handshake thread only.
/// </summary>
internal sealed class DtlsHandshakeState(DtlsCertificate local, DtlsPeerVerifier verifier, DtlsSrtpOptions options)
{
    public DtlsCertificate Local { get; } = local;
    public DtlsPeerVerifier Verifier { get; } = verifier;
    public DtlsSrtpOptions Options { get; } = options;

    public DtlsSrtpKeys? Keys { get; set; }
    public string? FailureReason { get; private set; }

    /// <summary>Records why the handshake fails; the returned alert is thrown so BouncyCastle sends it to the peer.</summary>
    public TlsFatalAlert Fail(short alert, string reason)
    {
        FailureReason ??= reason;
        return new TlsFatalAlert(alert, reason);
    }

    /// <summary>Checks the peer's end-entity certificate against its a=fingerprint (RFC 5763 §5); throws a fatal alert on mismatch.</summary>
    public void VerifyPeer(Certificate? chain)
    {
        if (chain is null || chain.IsEmpty)
            throw Fail(AlertDescription.handshake_failure, "the peer sent no certificate");
        if (!Verifier.Matches(chain.GetCertificateAt(0).GetEncoded()))
            throw Fail(AlertDescription.bad_certificate, $"the peer's certificate does not match its a=fingerprint ({Verifier.Algorithm})");
    }

    /// <summary>Exports the SRTP keys once the handshake completed.</summary>
    public void Complete(TlsContext context, SrtpProfileChoice choice)
    {
        if (choice.Profile is not { } profile)
            throw Fail(AlertDescription.internal_error, "no SRTP profile was negotiated");
        if (!context.SecurityParameters.IsExtendedMasterSecret)
            throw Fail(AlertDescription.handshake_failure, "the peer did not negotiate extended_master_secret (RFC 7627)");
        Keys = DtlsSrtpProtocol.ExportKeys(context, profile);
    }
}

/// <summary>The SRTP profile use_srtp settled on, once known.</summary>
internal sealed class SrtpProfileChoice
{
    public Srtp.SrtpProfile? Profile { get; set; }
}
