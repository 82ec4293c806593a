using Gateway.Media.Dtls;

namespace Gateway.Media.Tests.Dtls;

/// <summary>
/// Two <see cref="DtlsSrtpTransport"/>s wired back to back in memory: each one's send callback feeds the other's
/// OnDatagram. An optional filter sees every datagram (fromServer, bytes) and may drop it.
/// </summary>
internal sealed class DtlsTestPeers : IDisposable
{
    /// <summary>Generating a certificate costs a few ms; tests share two.</summary>
    public static readonly DtlsCertificate ServerCertificate = DtlsCertificate.Generate();
    public static readonly DtlsCertificate ClientCertificate = DtlsCertificate.Generate();

    public DtlsSrtpTransport Server { get; }
    public DtlsSrtpTransport Client { get; }
    public Func<bool, byte[], bool>? Filter { get; set; }
    public int ServerSent, ClientSent;

    public DtlsTestPeers(DtlsSrtpOptions? serverOptions = null, DtlsSrtpOptions? clientOptions = null,
        string? serverExpects = null, string? clientExpects = null, string algorithm = "sha-256")
    {
        Server = new DtlsSrtpTransport(ServerCertificate, true, algorithm,
            serverExpects ?? DtlsCertificate.Generate().Fingerprint, d => Deliver(true, d), null, serverOptions ?? new());
        Client = new DtlsSrtpTransport(ClientCertificate, false, algorithm,
            clientExpects ?? ServerCertificate.Fingerprint, d => Deliver(false, d), null, clientOptions ?? new());
    }

    /// <summary>The usual case: each side expects the other's real sha-256 fingerprint.</summary>
    public static DtlsTestPeers Matching(DtlsSrtpOptions? serverOptions = null, DtlsSrtpOptions? clientOptions = null) =>
        new(serverOptions, clientOptions, ClientCertificate.Fingerprint, ServerCertificate.Fingerprint);

    public void Start()
    {
        Server.Start();
        Client.Start();
    }

    private void Deliver(bool fromServer, ReadOnlyMemory<byte> datagram)
    {
        Interlocked.Increment(ref fromServer ? ref ServerSent : ref ClientSent);
        if (Filter is { } filter && !filter(fromServer, datagram.ToArray())) return;
        (fromServer ? Client : Server).OnDatagram(datagram.Span);
    }

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }
}
