using System.Net;
using System.Text;
using Gateway.Sip.Auth;
using Gateway.Sip.Messages;
using Gateway.Sip.Registrar;
using Gateway.Sip.Tests.Transactions;
using Gateway.Sip.Transport;

namespace Gateway.Sip.Tests.Registrar;

/// <summary>A registrar with users alice (2 devices) and bob on a manual clock, and a phone that REGISTERs with Digest.</summary>
internal sealed class RegistrarFixture
{
    public ManualTimeProvider Time { get; } = new();
    public InMemoryRegistrationStore Store { get; }
    public SipRegistrar Registrar { get; }
    public static readonly SipEndPoint Source = new(SipTransportProtocol.Udp, new IPEndPoint(IPAddress.Parse("198.51.100.7"), 40123));

    public RegistrarFixture(RegistrarOptions? options = null, int maxBindings = 100)
    {
        Store = new InMemoryRegistrationStore(maxBindings, Time);
        Registrar = new SipRegistrar(options ?? new RegistrarOptions { Domain = "gw.example", Algorithms = [DigestAlgorithm.Sha256, DigestAlgorithm.Md5] }, new Users(), Store,
            "0123456789abcdef0123456789abcdef"u8.ToArray(), Time);
    }

    private sealed class Users : IRegistrarDirectory
    {
        public RegistrarUser? Find(string name) => name switch
        {
            "alice" => new RegistrarUser("alice", "alice-pw", 2),
            "bob" => new RegistrarUser("bob", "bob-pw", 5),
            _ => null,
        };
    }

    public static SipRequest Register(string user, uint cseq, string callId, string[] contacts, uint? expires = null, string? authorization = null,
        string toUser = "", string fromUser = "", string host = "gw.example")
    {
        var sb = new StringBuilder();
        sb.Append($"REGISTER sip:{host} SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK{Guid.NewGuid():N}\r\nMax-Forwards: 70\r\n");
        sb.Append($"From: <sip:{(fromUser.Length > 0 ? fromUser : user)}@{host}>;tag=f1\r\nTo: <sip:{(toUser.Length > 0 ? toUser : user)}@{host}>\r\n");
        sb.Append($"Call-ID: {callId}\r\nCSeq: {cseq} REGISTER\r\n");
        foreach (var c in contacts) sb.Append($"Contact: {c}\r\n");
        if (expires is not null) sb.Append($"Expires: {expires}\r\n");
        if (authorization is not null) sb.Append($"Authorization: {authorization}\r\n");
        sb.Append("Content-Length: 0\r\n\r\n");
        Assert.True(SipMessage.TryParse(Encoding.ASCII.GetBytes(sb.ToString()), out var message, out var error), error?.ToString());
        return (SipRequest)message!;
    }

    /// <summary>REGISTER, answer the 401 with the password, return the final response.</summary>
    public SipResponse RegisterWithAuth(string user, string password, uint cseq, string callId, string[] contacts, uint? expires = null,
        DigestAlgorithm? prefer = null, string toUser = "", string fromUser = "")
    {
        var challenge = Registrar.Process(Register(user, cseq, callId, contacts, expires, toUser: toUser, fromUser: fromUser), Source);
        Assert.Equal(401, challenge.StatusCode);
        var offered = challenge.GetHeaders(SipHeaderNames.WwwAuthenticate).ToList();
        var header = prefer switch
        {
            DigestAlgorithm.Md5 => offered.Single(h => h.Contains("algorithm=MD5")),
            DigestAlgorithm.Sha256 => offered.Single(h => h.Contains("algorithm=SHA-256")),
            _ => offered[0],
        };
        Assert.True(new DigestClient(user, password).TryAnswer(header, "REGISTER", "sip:gw.example", out var credentials));
        return Registrar.Process(Register(user, cseq + 1, callId, contacts, expires, credentials, toUser, fromUser), Source);
    }

    public static List<string> Contacts(SipResponse response) => [.. response.GetHeaders(SipHeaderNames.Contact)];
}
