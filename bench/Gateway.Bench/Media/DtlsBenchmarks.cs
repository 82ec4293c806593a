using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Gateway.Media.Dtls;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Gateway.Bench.Media;

/// <summary>
/// DTLS-SRTP cost: certificate generation, one full in-memory handshake (our client + our server, wall time),
/// and the server's share, run on the benchmark thread so its CPU time can be read (CLOCK_THREAD_CPUTIME_ID);
/// that figure is printed at the end as "server CPU per handshake".
/// </summary>
[MemoryDiagnoser]
public class DtlsBenchmarks
{
    private static readonly DtlsCertificate ServerCertificate = DtlsCertificate.Generate();
    private static readonly DtlsCertificate ClientCertificate = DtlsCertificate.Generate();
    private double _serverCpuMs;
    private int _serverHandshakes;

    [Benchmark]
    public DtlsCertificate GenerateCertificate() => DtlsCertificate.Generate();

    /// <summary>Both roles through the public API, each on its handshake thread: wall time of a whole handshake.</summary>
    [Benchmark]
    public DtlsSrtpKeys Handshake()
    {
        DtlsSrtpTransport? server = null, client = null;
        server = new DtlsSrtpTransport(ServerCertificate, true, "sha-256", ClientCertificate.Fingerprint, d => client!.OnDatagram(d.Span));
        client = new DtlsSrtpTransport(ClientCertificate, false, "sha-256", ServerCertificate.Fingerprint, d => server.OnDatagram(d.Span));
        using (server)
        using (client)
        {
            server.Start();
            client.Start();
            client.Completion.Wait();
            return server.Completion.Result;
        }
    }

    /// <summary>The server side as the transport runs it, on this thread; the client runs on its own thread.</summary>
    [Benchmark]
    public DtlsSrtpKeys ServerSide()
    {
        var options = new DtlsSrtpOptions();
        var state = new DtlsHandshakeState(ServerCertificate, DtlsPeerVerifier.TryCreate("sha-256", ClientCertificate.Fingerprint, out _)!, options);
        DtlsDatagramPipe? pipe = null;
        using var client = new DtlsSrtpTransport(ClientCertificate, false, "sha-256", ServerCertificate.Fingerprint, d => pipe!.Enqueue(d.Span));
        pipe = new DtlsDatagramPipe(d => client.OnDatagram(d.Span), options.ReceiveQueueCapacity, options.MaxDatagramSize);
        client.Start();
        var before = ThreadCpuMs();
        new DtlsServerProtocol().Accept(new DtlsSrtpServer(new BcTlsCrypto(new SecureRandom()), state), pipe);
        _serverCpuMs += ThreadCpuMs() - before;
        _serverHandshakes++;
        client.Completion.Wait();
        return state.Keys!;
    }

    [GlobalCleanup(Target = nameof(ServerSide))]
    public void Report()
    {
        if (_serverHandshakes > 0)
            Console.WriteLine($"// server CPU per handshake: {_serverCpuMs / _serverHandshakes:F2} ms over {_serverHandshakes} handshakes");
    }

    private static double ThreadCpuMs()
    {
        if (!OperatingSystem.IsLinux() || clock_gettime(ClockThreadCpuTime, out var ts) != 0) return double.NaN;
        return ts.Seconds * 1e3 + ts.Nanoseconds / 1e6;
    }

    private const int ClockThreadCpuTime = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int clock_gettime(int clock, out TimeSpec time);
}
