using System.Net;
using System.Text;
using Gateway.Sip.Auth;
using Gateway.Sip.Messages;
using Gateway.Sip.Registrar;
using Gateway.Sip.Transport;

namespace Gateway.Bench.Sip;

/// <summary>
/// Managed memory a registrar's bindings hold (issue #15 bar: 1,000 bindings in at most 5 MB):
/// <c>dotnet run -c Release --project bench/Gateway.Bench -- registrar-memory [bindings]</c>. Each of N users registers one
/// contact with Digest (401, then the authenticated REGISTER) from its own address; requests and responses are dropped,
/// so what stays after a full collection is the store, its indexes and the registrar's own tables.
/// </summary>
internal static class RegistrarMemory
{
    private const string Password = "bench-pw";

    public static void Run(string[] args)
    {
        int count = args.Length > 1 && int.TryParse(args[1], out var n) && n is > 0 and <= 100_000 ? n : 1000;
        var store = new InMemoryRegistrationStore(count + 10, TimeProvider.System);
        var registrar = new SipRegistrar(new RegistrarOptions { Domain = "gw.example", RegistersPerSecondPerSource = 0 }, new Directory(), store,
            "0123456789abcdef0123456789abcdef"u8.ToArray(), TimeProvider.System);
        Register(registrar, "warm", 0); // JIT and static tables outside the measurement
        long before = GC.GetTotalMemory(forceFullCollection: true);
        for (int i = 1; i <= count; i++) Register(registrar, $"phone{i}", i);
        long after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(registrar);
        double perBinding = (after - before) / (double)count;
        Console.WriteLine($"{count} bindings: {(after - before) / 1024.0 / 1024.0:F2} MiB managed, {perBinding:F0} bytes per binding, " +
            $"{perBinding * 1000 / 1024 / 1024:F2} MiB per 1,000");
    }

    private static void Register(SipRegistrar registrar, string user, int index)
    {
        var source = new SipEndPoint(SipTransportProtocol.Udp, new IPEndPoint(new IPAddress([10, (byte)(index >> 16), (byte)(index >> 8), (byte)index]), 5060));
        var callId = $"{user}-reg";
        var challenge = registrar.Process(Request(user, 1, callId, source, null), source);
        var header = challenge.GetHeaders(SipHeaderNames.WwwAuthenticate).First();
        if (!new DigestClient(user, Password).TryAnswer(header, "REGISTER", "sip:gw.example", out var credentials))
            throw new InvalidOperationException("no usable challenge");
        var ok = registrar.Process(Request(user, 2, callId, source, credentials), source);
        if (ok.StatusCode != 200) throw new InvalidOperationException($"REGISTER for {user}: {ok.StatusCode}");
    }

    private static SipRequest Request(string user, uint cseq, string callId, SipEndPoint source, string? authorization)
    {
        var text = new StringBuilder()
            .Append($"REGISTER sip:gw.example SIP/2.0\r\nVia: SIP/2.0/UDP {source.Address};branch=z9hG4bK{user}{cseq}\r\nMax-Forwards: 70\r\n")
            .Append($"From: <sip:{user}@gw.example>;tag=f{cseq}\r\nTo: <sip:{user}@gw.example>\r\nCall-ID: {callId}\r\nCSeq: {cseq} REGISTER\r\n")
            .Append($"Contact: <sip:{user}@{source.Address}>\r\nExpires: 600\r\n")
            .Append(authorization is null ? "" : $"Authorization: {authorization}\r\n")
            .Append("Content-Length: 0\r\n\r\n").ToString();
        if (!SipMessage.TryParse(Encoding.ASCII.GetBytes(text), out var message, out var error)) throw new InvalidOperationException(error?.ToString());
        return (SipRequest)message!;
    }

    private sealed class Directory : IRegistrarDirectory
    {
        public RegistrarUser? Find(string name) => new(name, Password, 5);
    }
}
