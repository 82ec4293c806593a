using Gateway.Sip.Auth;
using Gateway.Sip.Messages;
using Gateway.Sip.Registrar;

namespace Gateway.Server.Tests.Calls;

/// <summary>A registered phone calls: Digest against the users directory, then routed by the dialplan as its user.</summary>
public sealed class PhoneOriginateTests
{
    private sealed class Users : IRegistrarDirectory
    {
        public RegistrarUser? Find(string name) => name is "alice" or "bob" ? new RegistrarUser(name, "pw-" + name, 5) : null;
    }

    private static SipRegistrar Registrar() =>
        new(new RegistrarOptions { Domain = "gateway.local" }, new Users(), new InMemoryRegistrationStore(100, TimeProvider.System), new byte[32]);

    /// <summary>The INVITE, its 401, then the INVITE again with credentials for <paramref name="password"/>.</summary>
    private static async Task<(SipRequest Invite, Gateway.Sip.Transactions.InviteClientTransaction Tx)> CallAuthenticatedAsync(SipTestPeer phone, CallHarness gw, string to, string password)
    {
        var (first, tx, _) = phone.Call(gw.EndPoint, to, from: "alice");
        var challenge = await tx.FinalResponse;
        Assert.Equal(401, challenge.StatusCode);
        Assert.True(new DigestClient("alice", password).TryAnswer(challenge.GetHeader("WWW-Authenticate")!, "INVITE", first.RequestUri.ToString(), out var credentials));
        var (invite, authed, _) = phone.Call(gw.EndPoint, to, from: "alice", extraHeader: "Authorization: " + credentials);
        return (invite, authed);
    }

    [Fact]
    public async Task Phone_calls_a_web_user_after_the_digest_challenge()
    {
        await using var phone = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", 9, "")], allowUnknownSources: false, registrar: Registrar());
        var bob = new FakeWebSession("wb", "bob");
        gw.Users.Register("bob", bob);

        var (invite, tx) = await CallAuthenticatedAsync(phone, gw, "bob", "pw-alice");
        var incoming = await bob.WaitForAsync("incoming");
        Assert.Equal("alice", (string)incoming["from"]!);
        gw.Controller.OnMessage(bob, new Gateway.Server.Signaling.AnswerIncoming((string)incoming["id"]!, WebAnswer));
        var ok = await tx.FinalResponse;
        Assert.Equal(200, ok.StatusCode);
        await phone.AckAsync(invite, ok);
        Assert.Equal(200, (await phone.SendInDialogAsync(SipMethods.Bye)).StatusCode);
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task Wrong_password_is_403_and_nothing_rings()
    {
        await using var phone = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", 9, "")], allowUnknownSources: false, registrar: Registrar());
        var bob = new FakeWebSession("wb", "bob");
        gw.Users.Register("bob", bob);

        var (_, tx) = await CallAuthenticatedAsync(phone, gw, "bob", "wrong");
        Assert.Equal(403, (await tx.FinalResponse).StatusCode);
        Assert.DoesNotContain(bob.Messages, m => (string?)m["type"] == "incoming");
    }

    [Fact]
    public async Task Phone_to_a_number_no_route_grants_the_user_is_refused_no_trunk_dialed()
    {
        await using var trunk = SipTestPeer.Start();
        await using var phone = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", trunk.Port, "")], allowUnknownSources: false, registrar: Registrar(),
            extraRoutes: "  - name: premium\n    match: { prefix: '+1900' }\n    reject: 403\n");

        var (_, tx) = await CallAuthenticatedAsync(phone, gw, "+19005550100", "pw-alice");
        Assert.Equal(403, (await tx.FinalResponse).StatusCode);
        Assert.Equal(0, trunk.Count(SipMethods.Invite));
    }

    private const string WebAnswer =
        "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0 101\r\nc=IN IP4 0.0.0.0\r\n" +
        "a=mid:0\r\na=ice-ufrag:brws\r\na=ice-pwd:browserbrowserbrowser12\r\n" +
        "a=fingerprint:sha-256 6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CC:87:32:BE:DD:8C:66:A5:8E:50:55:EA:8C:D3:B6:5C:09:5E:D6:BC\r\n" +
        "a=setup:active\r\na=rtcp-mux\r\na=sendrecv\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n";
}
