using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using Gateway.Media.Ice;
using Gateway.Media.Stun;

namespace Gateway.Bench.Media;

/// <summary>An ICE-lite agent answering a browser-shaped Binding request (USERNAME, PRIORITY, ICE-CONTROLLING, USE-CANDIDATE, MI, FINGERPRINT).</summary>
[MemoryDiagnoser]
public class StunBenchmarks
{
    private readonly byte[] _request = new byte[256];
    private readonly byte[] _response = new byte[256];
    private int _requestLength;
    private IceLiteAgent _agent = null!;
    private readonly IPEndPoint _peer = new(IPAddress.Parse("192.0.2.10"), 50000);

    [GlobalSetup]
    public void Setup()
    {
        var local = new IceCredentials("locl", "localpasswordlocalpassw");
        _agent = new IceLiteAgent(local);
        _agent.SetRemoteCredentials(new IceCredentials("rmte", "remotepasswordremotepas"));
        var w = new StunWriter(_request, StunMethod.Binding, StunClass.Request, "0123456789ab"u8);
        w.AddAttribute(StunAttributeType.Username, "locl:rmte"u8);
        w.AddUInt32(StunAttributeType.Priority, 0x6E0001FF);
        w.AddUInt64(StunAttributeType.IceControlling, 42);
        w.AddFlag(StunAttributeType.UseCandidate);
        w.AddMessageIntegrity(Encoding.UTF8.GetBytes(local.Password));
        w.AddFingerprint();
        _requestLength = w.Length;
    }

    [Benchmark(Baseline = true)]
    public bool ParseAndVerifyFingerprint() =>
        StunMessage.TryParse(_request.AsSpan(0, _requestLength), out var m, out _) == StunError.None && m.VerifyFingerprint();

    [Benchmark]
    public IceCheckResult HandleBindingCheck() => _agent.HandleStun(_request.AsSpan(0, _requestLength), _peer, _response, out _);
}
