using System.Net;
using System.Text;
using Gateway.Media.Ice;
using Gateway.Media.Stun;
using Xunit;

namespace Gateway.Media.Tests.Ice;

public sealed class IceLiteAgentTests
{
    private static readonly IceCredentials Local = new("locl", "localpasswordlocalpassw");
    private static readonly IceCredentials Remote = new("rmte", "remotepasswordremotepas");
    private static readonly IPEndPoint PeerA = new(IPAddress.Parse("192.0.2.10"), 50000);
    private static readonly IPEndPoint PeerB = new(IPAddress.Parse("2001:db8::20"), 50002);

    /// <summary>Builds a Binding request as a full controlling agent (browser) would (RFC 8445 §7.2.2).</summary>
    internal static byte[] Check(string username, string pwd, bool useCandidate = false, bool controlled = false,
        bool integrity = true, bool includeUser = true, bool fingerprint = true)
    {
        var buf = new byte[256];
        Span<byte> tid = stackalloc byte[12];
        StunWriter.NewTransactionId(tid);
        var w = new StunWriter(buf, StunMethod.Binding, StunClass.Request, tid);
        if (includeUser) w.AddAttribute(StunAttributeType.Username, Encoding.UTF8.GetBytes(username));
        w.AddUInt32(StunAttributeType.Priority, 0x6E0001FF);
        if (controlled) w.AddUInt64(StunAttributeType.IceControlled, 1);
        else w.AddUInt64(StunAttributeType.IceControlling, 42);
        if (useCandidate) w.AddFlag(StunAttributeType.UseCandidate);
        if (integrity) w.AddMessageIntegrity(Encoding.UTF8.GetBytes(pwd));
        if (fingerprint) w.AddFingerprint();
        Assert.Equal(StunError.None, w.Error);
        return buf.AsSpan(0, w.Length).ToArray();
    }

    private static IceLiteAgent NewAgent(ManualTimeProvider? time = null)
    {
        var agent = new IceLiteAgent(Local, time);
        agent.SetRemoteCredentials(Remote);
        return agent;
    }

    [Fact]
    public void ValidCheck_AnswersSuccessWithXorMappedAddressIntegrityAndFingerprint()
    {
        var agent = NewAgent();
        var req = Check("locl:rmte", Local.Password);
        var resp = new byte[256];
        Assert.Equal(IceCheckResult.Success, agent.HandleStun(req, PeerA, resp, out int n));
        Assert.Equal(StunError.None, StunMessage.TryParse(resp.AsSpan(0, n), out var m, out _));
        Assert.Equal(StunClass.SuccessResponse, m.Class);
        Assert.True(m.TransactionId.SequenceEqual(req.AsSpan(8, 12)));
        Assert.True(m.TryGetXorMappedAddress(out var mapped));
        Assert.Equal(PeerA, mapped);
        Assert.True(m.VerifyMessageIntegrity(Encoding.UTF8.GetBytes(Local.Password)));
        Assert.True(m.VerifyFingerprint());
        Assert.Equal(PeerA, agent.LastCheckedRemote);
        Assert.Null(agent.SelectedRemote);
    }

    [Fact]
    public void UseCandidate_SelectsPair_AndNominationFromNewAddressSwitches()
    {
        var agent = NewAgent();
        var changes = new List<IPEndPoint>();
        agent.SelectedRemoteChanged += (_, _, now) => changes.Add(now);
        var resp = new byte[256];
        Assert.Equal(IceCheckResult.Nominated, agent.HandleStun(Check("locl:rmte", Local.Password, useCandidate: true), PeerA, resp, out _));
        Assert.Equal(PeerA, agent.SelectedRemote);
        Assert.Equal(IceCheckResult.Success, agent.HandleStun(Check("locl:rmte", Local.Password), PeerB, resp, out _));
        Assert.Equal(PeerA, agent.SelectedRemote);
        Assert.Equal(IceCheckResult.Nominated, agent.HandleStun(Check("locl:rmte", Local.Password, useCandidate: true), PeerB, resp, out _));
        Assert.Equal(PeerB, agent.SelectedRemote);
        Assert.Equal([PeerA, PeerB], changes);
    }

    [Theory]
    [InlineData("locl:rmte", "wrongpassword", IceCheckResult.Unauthorized, 401)]
    [InlineData("othr:rmte", "localpasswordlocalpassw", IceCheckResult.Unauthorized, 401)]
    [InlineData("locl:othr", "localpasswordlocalpassw", IceCheckResult.Unauthorized, 401)]
    public void BadCredentials_Answer401WithoutIntegrity(string user, string pwd, IceCheckResult expected, int code)
    {
        var agent = NewAgent();
        var resp = new byte[256];
        Assert.Equal(expected, agent.HandleStun(Check(user, pwd), PeerA, resp, out int n));
        AssertError(resp.AsSpan(0, n), code);
        Assert.Null(agent.LastCheckedRemote);
    }

    [Fact]
    public void MissingUsernameOrIntegrity_Answers400()
    {
        var agent = NewAgent();
        var resp = new byte[256];
        Assert.Equal(IceCheckResult.BadRequest, agent.HandleStun(Check("locl:rmte", Local.Password, includeUser: false), PeerA, resp, out int n));
        AssertError(resp.AsSpan(0, n), 400);
        Assert.Equal(IceCheckResult.BadRequest, agent.HandleStun(Check("locl:rmte", Local.Password, integrity: false), PeerA, resp, out n));
        AssertError(resp.AsSpan(0, n), 400);
    }

    [Fact]
    public void PeerClaimingControlled_Answers487()
    {
        var agent = NewAgent();
        var resp = new byte[256];
        Assert.Equal(IceCheckResult.RoleConflict, agent.HandleStun(Check("locl:rmte", Local.Password, controlled: true), PeerA, resp, out int n));
        AssertError(resp.AsSpan(0, n), 487);
    }

    [Fact]
    public void BadFingerprint_IsDiscardedSilently()
    {
        var agent = NewAgent();
        var req = Check("locl:rmte", Local.Password);
        req[^1] ^= 0xFF;
        Assert.Equal(IceCheckResult.Discarded, agent.HandleStun(req, PeerA, new byte[256], out int n));
        Assert.Equal(0, n);
    }

    /// <summary>
    /// FINGERPRINT is a MUST for the agent sending checks (RFC 8445 §7.2, client procedures), but nothing in the
    /// server procedures (RFC 8445 §7.3, RFC 8489 §6.3.1) makes its absence an error, and the check is authenticated
    /// by MESSAGE-INTEGRITY anyway: a check without it is answered normally; only a wrong one is dropped (above).
    /// </summary>
    [Fact]
    public void CheckWithoutFingerprint_IsStillAnswered()
    {
        var agent = NewAgent();
        var resp = new byte[256];
        Assert.Equal(IceCheckResult.Nominated, agent.HandleStun(
            Check("locl:rmte", Local.Password, useCandidate: true, fingerprint: false), PeerA, resp, out int n));
        Assert.Equal(StunError.None, StunMessage.TryParse(resp.AsSpan(0, n), out var m, out _));
        Assert.Equal(StunClass.SuccessResponse, m.Class);
        Assert.True(m.VerifyFingerprint());
        Assert.Equal(PeerA, agent.SelectedRemote);
    }

    [Fact]
    public void Consent_ExpiresThirtySecondsAfterLastValidCheck()
    {
        var time = new ManualTimeProvider();
        var agent = NewAgent(time);
        var resp = new byte[256];
        Assert.False(agent.ConsentExpired);
        agent.HandleStun(Check("locl:rmte", Local.Password, useCandidate: true), PeerA, resp, out _);
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(agent.ConsentExpired);
        agent.HandleStun(Check("locl:rmte", Local.Password), PeerA, resp, out _);
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(agent.ConsentExpired);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(agent.ConsentExpired);
        // An invalid check does not refresh consent.
        agent.HandleStun(Check("locl:rmte", "bad"), PeerA, resp, out _);
        Assert.True(agent.ConsentExpired);
    }

    [Fact]
    public void IceRestart_NewCredentialsReplaceOldOnes()
    {
        var agent = NewAgent();
        var resp = new byte[256];
        agent.HandleStun(Check("locl:rmte", Local.Password, useCandidate: true), PeerA, resp, out _);
        var newLocal = IceCredentials.Generate();
        agent.Restart(newLocal, new IceCredentials("rmt2", "remotepasswordremotepa2"));
        Assert.Equal(PeerA, agent.SelectedRemote); // media continues on the old pair (RFC 8445 §9)
        Assert.Equal(IceCheckResult.Unauthorized, agent.HandleStun(Check("locl:rmte", Local.Password), PeerA, resp, out _));
        Assert.Equal(IceCheckResult.Nominated,
            agent.HandleStun(Check(newLocal.Ufrag + ":rmt2", newLocal.Password, useCandidate: true), PeerB, resp, out _));
        Assert.Equal(PeerB, agent.SelectedRemote);
    }

    [Fact]
    public void UnknownRemoteUfrag_IsAcceptedBeforeAnswerArrives()
    {
        var agent = new IceLiteAgent(Local);
        Assert.Equal(IceCheckResult.Success, agent.HandleStun(Check("locl:anything", Local.Password), PeerA, new byte[256], out _));
    }

    private static void AssertError(ReadOnlySpan<byte> resp, int code)
    {
        Assert.Equal(StunError.None, StunMessage.TryParse(resp, out var m, out _));
        Assert.Equal(StunClass.ErrorResponse, m.Class);
        Assert.True(m.TryGetErrorCode(out int got, out _));
        Assert.Equal(code, got);
        Assert.True(m.VerifyFingerprint());
        if (code != 487) Assert.False(m.HasAttribute(StunAttributeType.MessageIntegrity));
    }
}
