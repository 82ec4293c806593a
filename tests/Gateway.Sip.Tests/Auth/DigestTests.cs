using Gateway.Sip.Auth;

namespace Gateway.Sip.Tests.Auth;

public sealed class DigestTests
{
    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void Rfc2617Section35Example() =>
        Assert.Equal("6629fae49393a05397450978507c4ef1", DigestHash.Response(DigestAlgorithm.Md5, "Mufasa", "testrealm@host.com",
            "Circle Of Life", "GET", "/dir/index.html", "dcd98b7102dd2f0e8b11d0f600bfb0c093", "auth", "00000001", "0a4f113b"));

    [Theory]
    [InlineData(DigestAlgorithm.Md5, "8ca523f5e9506fed4657c9700eebdbec")]
    [InlineData(DigestAlgorithm.Sha256, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")]
    public void Rfc7616Section391Examples(DigestAlgorithm algorithm, string expected) =>
        Assert.Equal(expected, DigestHash.Response(algorithm, "Mufasa", "http-auth@example.org", "Circle of Life", "GET",
            "/dir/index.html", "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "auth", "00000001",
            "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"));

    [Theory]
    [InlineData(DigestAlgorithm.Md5)]
    [InlineData(DigestAlgorithm.Sha256)]
    public void ClientAnswersOurOwnChallenge(DigestAlgorithm algorithm)
    {
        var time = new ManualTime(DateTimeOffset.Parse("2026-11-24T12:00:00Z"));
        var server = new DigestServer("gateway.example.com", "0123456789abcdef0123456789abcdef"u8.ToArray(), time);
        var client = new DigestClient("alice", "s3cret");
        Assert.True(client.TryAnswer(server.CreateChallenge(algorithm), "REGISTER", "sip:gateway.example.com", out var credentials));
        Assert.Contains("nc=00000001", credentials);
        Assert.Equal(DigestVerdict.Valid, server.Verify(credentials, "REGISTER", u => u == "alice" ? "s3cret" : null));
        Assert.Equal(DigestVerdict.Invalid, server.Verify(credentials, "REGISTER", _ => "wrong"));
        Assert.Equal(DigestVerdict.Invalid, server.Verify(credentials, "INVITE", _ => "s3cret"));

        time.Now += TimeSpan.FromMinutes(6);
        Assert.Equal(DigestVerdict.Stale, server.Verify(credentials, "REGISTER", _ => "s3cret"));
    }

    [Fact]
    public void NonceCountGrowsForTheSameNonce()
    {
        var client = new DigestClient("alice", "pw");
        const string challenge = "Digest realm=\"r\", nonce=\"n1\", qop=\"auth,auth-int\", opaque=\"o\"";
        Assert.True(client.TryAnswer(challenge, "INVITE", "sip:bob@r", out _));
        Assert.True(client.TryAnswer(challenge, "INVITE", "sip:bob@r", out var second));
        Assert.Contains("nc=00000002", second);
        Assert.Contains("opaque=\"o\"", second);
    }

    [Fact]
    public void LegacyChallengeWithoutQop()
    {
        var client = new DigestClient("Mufasa", "Circle Of Life");
        Assert.True(client.TryAnswer("Digest realm=\"testrealm@host.com\", nonce=\"abc\"", "GET", "/x", out var credentials));
        Assert.DoesNotContain("qop", credentials);
    }

    [Theory]
    [InlineData(null, DigestVerdict.Missing)]
    [InlineData("Basic dXNlcjpwYXNz", DigestVerdict.Missing)]
    [InlineData("Digest username=\"alice\", realm=\"gateway.example.com\", nonce=\"forged\", uri=\"sip:x\", response=\"00\"", DigestVerdict.Invalid)]
    [InlineData("Digest username=\"alice\", realm=\"other\", nonce=\"n\", uri=\"sip:x\", response=\"00\"", DigestVerdict.Invalid)]
    [InlineData("Digest garbage", DigestVerdict.Missing)]
    [InlineData("Digest username=\"unterminated", DigestVerdict.Missing)]
    public void BadCredentialsNeverThrow(string? value, DigestVerdict expected)
    {
        var server = new DigestServer("gateway.example.com", new byte[32], TimeProvider.System);
        Assert.Equal(expected, server.Verify(value, "INVITE", _ => "pw"));
    }

    [Theory]
    [InlineData("Digest realm=\"r\"")]
    [InlineData("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-512-256")]
    [InlineData("Digest realm=\"r\", nonce=\"n\", qop=\"auth-int\"")]
    [InlineData("Bearer x")]
    public void UnusableChallengesAreDeclined(string challenge) =>
        Assert.False(new DigestClient("a", "b").TryAnswer(challenge, "INVITE", "sip:x", out _));
}
