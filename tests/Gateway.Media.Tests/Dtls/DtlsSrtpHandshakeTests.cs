using Gateway.Media.Dtls;
using Gateway.Media.Srtp;
using Xunit;

namespace Gateway.Media.Tests.Dtls;

/// <summary>Our DTLS client against our DTLS server over an in-memory datagram pipe.</summary>
public sealed class DtlsSrtpHandshakeTests
{
    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1_80)]
    [InlineData(SrtpProfile.AesCm128HmacSha1_32)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public async Task EachProfile_IsNegotiated_AndKeysAgreeBothWays(SrtpProfile profile)
    {
        using var peers = DtlsTestPeers.Matching(serverOptions: new() { Profiles = [profile] });
        peers.Start();
        var serverKeys = await DtlsAssert.Within(peers.Server.Completion);
        var clientKeys = await DtlsAssert.Within(peers.Client.Completion);

        Assert.Equal(profile, serverKeys.Profile);
        Assert.Equal(serverKeys, clientKeys with { }, DtlsKeysComparer.Instance);
        Assert.Equal(profile.SaltLength(), serverKeys.ClientWriteSalt.Length);
        Assert.Equal(SrtpProfiles.KeyLength, serverKeys.ServerWriteKey.Length);
        Assert.NotEqual(serverKeys.ClientWriteKey, serverKeys.ServerWriteKey);
        DtlsAssert.KeysAgree(serverKeys, clientKeys);
        Assert.True(peers.Server.IsConnected);
        Assert.True(peers.Client.IsConnected);
    }

    [Fact]
    public async Task KeysExported_IsRaisedOnTheHandshakeThread_BeforeCompletion()
    {
        using var peers = DtlsTestPeers.Matching();
        DtlsSrtpKeys? exported = null;
        bool completedFirst = true;
        peers.Server.KeysExported += keys => { exported = keys; completedFirst = peers.Server.Completion.IsCompleted; };
        peers.Start();
        var keys = await DtlsAssert.Within(peers.Server.Completion);
        Assert.Same(keys, exported);
        Assert.False(completedFirst);
    }

    [Fact]
    public async Task Server_ChoosesItsPreferredProfile_AmongTheClientsOffer()
    {
        using var peers = DtlsTestPeers.Matching(
            serverOptions: new() { Profiles = [SrtpProfile.AesCm128HmacSha1_32, SrtpProfile.AesCm128HmacSha1_80] },
            clientOptions: new() { Profiles = [SrtpProfile.AeadAes128Gcm, SrtpProfile.AesCm128HmacSha1_80, SrtpProfile.AesCm128HmacSha1_32] });
        peers.Start();
        Assert.Equal(SrtpProfile.AesCm128HmacSha1_32, (await DtlsAssert.Within(peers.Server.Completion)).Profile);
        Assert.Equal(SrtpProfile.AesCm128HmacSha1_32, (await DtlsAssert.Within(peers.Client.Completion)).Profile);
    }

    [Fact]
    public async Task NoCommonProfile_FailsBothSides()
    {
        using var peers = DtlsTestPeers.Matching(
            serverOptions: new() { Profiles = [SrtpProfile.AeadAes128Gcm] },
            clientOptions: new() { Profiles = [SrtpProfile.AesCm128HmacSha1_80] });
        peers.Start();
        var e = await DtlsAssert.Fails(peers.Server.Completion);
        Assert.Contains("no SRTP protection profile in common", e.Message);
        var c = await DtlsAssert.Fails(peers.Client.Completion);
        Assert.Contains("fatal alert", c.Message);
    }

    [Fact]
    public async Task WrongClientFingerprint_FailsOnTheServer_WithAnAlertToTheClient()
    {
        using var peers = new DtlsTestPeers(serverExpects: DtlsCertificate.Generate().Fingerprint,
            clientExpects: DtlsTestPeers.ServerCertificate.Fingerprint);
        peers.Start();
        var e = await DtlsAssert.Fails(peers.Server.Completion);
        Assert.Contains("does not match its a=fingerprint", e.Message);
        var c = await DtlsAssert.Fails(peers.Client.Completion);
        Assert.Contains("bad_certificate", c.Message);
        Assert.False(peers.Server.IsConnected);
    }

    [Fact]
    public async Task WrongServerFingerprint_FailsOnTheClient_WithAnAlertToTheServer()
    {
        using var peers = new DtlsTestPeers(serverExpects: DtlsTestPeers.ClientCertificate.Fingerprint,
            clientExpects: DtlsCertificate.Generate().Fingerprint);
        peers.Start();
        var c = await DtlsAssert.Fails(peers.Client.Completion);
        Assert.Contains("does not match its a=fingerprint", c.Message);
        var e = await DtlsAssert.Fails(peers.Server.Completion);
        Assert.Contains("bad_certificate", e.Message);
    }

    [Theory]
    [InlineData("sha-1")]
    [InlineData("sha-224")]
    [InlineData("SHA-256")]
    [InlineData("sha-384")]
    [InlineData("sha-512")]
    public async Task PeerFingerprint_AnySupportedHash_AnyCase(string algorithm)
    {
        var serverExpects = DtlsFingerprint.Compute(algorithm, DtlsTestPeers.ClientCertificate.Der)!.ToLowerInvariant();
        var clientExpects = DtlsFingerprint.Compute(algorithm, DtlsTestPeers.ServerCertificate.Der)!;
        using var peers = new DtlsTestPeers(serverExpects: serverExpects, clientExpects: clientExpects, algorithm: algorithm);
        peers.Start();
        DtlsAssert.KeysAgree(await DtlsAssert.Within(peers.Server.Completion), await DtlsAssert.Within(peers.Client.Completion));
    }

    [Theory]
    [InlineData("md5", "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF", "unsupported fingerprint hash")]
    [InlineData("sha-256", "not a fingerprint", "malformed")]
    [InlineData("sha-256", "00:11", "malformed")]
    [InlineData("", "", "unsupported")]
    public async Task UnusablePeerFingerprint_FaultsAtStart(string algorithm, string fingerprint, string expected)
    {
        using var transport = new DtlsSrtpTransport(DtlsTestPeers.ServerCertificate, true, algorithm, fingerprint, _ => { });
        transport.Start();
        var e = await DtlsAssert.Fails(transport.Completion);
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task NoPeer_TimesOut(bool isServer)
    {
        int sent = 0;
        using var transport = new DtlsSrtpTransport(DtlsTestPeers.ServerCertificate, isServer, "sha-256",
            DtlsTestPeers.ClientCertificate.Fingerprint, _ => Interlocked.Increment(ref sent), null,
            new DtlsSrtpOptions { HandshakeTimeout = TimeSpan.FromMilliseconds(1500) });
        var started = DateTime.UtcNow;
        transport.Start();
        var e = await DtlsAssert.Fails(transport.Completion);
        Assert.Contains("timed out after 1.5 s", e.Message);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(1.4), TimeSpan.FromSeconds(10));
        if (!isServer) Assert.True(sent >= 2, "the client retransmits its ClientHello"); // RFC 6347 §4.2.4
    }

    [Fact]
    public async Task SmallDatagramLimit_FragmentsHandshakeMessages_AndStillCompletes()
    {
        // RFC 6347 §4.2.3: handshake messages are fragmented to fit the path MTU.
        using var peers = DtlsTestPeers.Matching(new() { MaxDatagramSize = 256 }, new() { MaxDatagramSize = 256 });
        int largest = 0;
        peers.Filter = (_, datagram) =>
        {
            InterlockedMax(ref largest, datagram.Length);
            return true;
        };
        peers.Start();
        DtlsAssert.KeysAgree(await DtlsAssert.Within(peers.Server.Completion), await DtlsAssert.Within(peers.Client.Completion));
        Assert.InRange(largest, 100, 256);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }

    [Fact]
    public async Task DatagramsBeforeStart_AreKept()
    {
        // A browser's ClientHello may arrive before the bridge starts the server.
        using var peers = DtlsTestPeers.Matching();
        peers.Client.Start();
        await Task.Delay(200);
        peers.Server.Start();
        DtlsAssert.KeysAgree(await DtlsAssert.Within(peers.Server.Completion), await DtlsAssert.Within(peers.Client.Completion));
    }

    [Fact]
    public async Task LostFinalServerFlight_IsResentAfterTheHandshakeThreadEnded()
    {
        using var peers = DtlsTestPeers.Matching();
        bool dropping = false;
        int dropped = 0;
        peers.Filter = (fromServer, datagram) =>
        {
            if (!fromServer) return true;
            // From the server's ChangeCipherSpec (content type 20) on, until it has completed: flight 6 is lost.
            if (datagram[0] == 20 && dropped == 0) dropping = true;
            if (dropping && !peers.Server.Completion.IsCompleted) { dropped++; return false; }
            return true;
        };
        peers.Start();
        var serverKeys = await DtlsAssert.Within(peers.Server.Completion);
        var clientKeys = await DtlsAssert.Within(peers.Client.Completion);
        Assert.True(dropped >= 2);
        DtlsAssert.KeysAgree(serverKeys, clientKeys);
    }

    [Fact]
    public async Task ManyConcurrentHandshakes_AllComplete()
    {
        var pairs = Enumerable.Range(0, 16).Select(_ => DtlsTestPeers.Matching()).ToArray();
        try
        {
            foreach (var p in pairs) p.Start();
            foreach (var p in pairs)
                DtlsAssert.KeysAgree(await DtlsAssert.Within(p.Server.Completion), await DtlsAssert.Within(p.Client.Completion));
        }
        finally
        {
            foreach (var p in pairs) p.Dispose();
        }
    }
}

/// <summary>Compares exported keys by value (the record's byte arrays compare by reference).</summary>
internal sealed class DtlsKeysComparer : IEqualityComparer<DtlsSrtpKeys>
{
    public static readonly DtlsKeysComparer Instance = new();

    public bool Equals(DtlsSrtpKeys? x, DtlsSrtpKeys? y) => x is not null && y is not null && x.Profile == y.Profile
        && x.ClientWriteKey.AsSpan().SequenceEqual(y.ClientWriteKey) && x.ClientWriteSalt.AsSpan().SequenceEqual(y.ClientWriteSalt)
        && x.ServerWriteKey.AsSpan().SequenceEqual(y.ServerWriteKey) && x.ServerWriteSalt.AsSpan().SequenceEqual(y.ServerWriteSalt);

    public int GetHashCode(DtlsSrtpKeys obj) => obj.Profile.GetHashCode();
}
