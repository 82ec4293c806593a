using Gateway.Server.Signaling;

namespace Gateway.Server.Tests.Signaling;

/// <summary>Startup validation of the token settings (Signaling:JwtSecret, JwksUrl, Authority, Issuer, Audience).</summary>
public sealed class SigningKeyOptionsTests
{
    private static IReadOnlyList<string> Errors(Action<SignalingOptions> configure)
    {
        var o = new SignalingOptions { AllowLoopbackWithoutToken = false, Audience = "gw" };
        configure(o);
        return new SignalingOptionsValidator().Validate(null, o).Failures?.ToList() ?? [];
    }

    [Theory]
    [InlineData("https://idp.example.test/.well-known/jwks.json")]
    [InlineData("http://127.0.0.1:8080/jwks")]
    [InlineData("http://localhost/jwks")]
    [InlineData("http://[::1]:9000/jwks")]
    public void JwksUrl_Https_OrLoopbackHttp_IsAccepted(string url) => Assert.Empty(Errors(o => o.JwksUrl = url));

    [Theory]
    [InlineData("http://idp.example.test/jwks")]
    [InlineData("http://10.0.0.1/jwks")]
    [InlineData("ftp://idp.example.test/jwks")]
    [InlineData("/jwks")]
    [InlineData("https://user:pw@idp.example.test/jwks")]
    [InlineData("not a url")]
    public void JwksUrl_Otherwise_IsRefused(string url) => Assert.Contains(Errors(o => o.JwksUrl = url), e => e.Contains("JwksUrl"));

    [Theory]
    [InlineData("https://login.example.test/tenant/v2.0", true)]
    [InlineData("http://127.0.0.1:5000", true)]
    [InlineData("http://login.example.test", false)]
    [InlineData("https://login.example.test/?p=1", false)]
    [InlineData("login.example.test", false)]
    public void Authority_MustBeAUrl(string url, bool ok) =>
        Assert.Equal(ok, !Errors(o => o.Authority = url).Any(e => e.Contains("Authority")));

    [Fact]
    public void JwksUrl_AndAuthority_AreExclusive() =>
        Assert.Contains(Errors(o => { o.JwksUrl = "https://a.test/jwks"; o.Authority = "https://a.test"; }), e => e.Contains("exclusive"));

    [Fact]
    public void PublicKeys_RequireAnAudience() =>
        Assert.Contains(Errors(o => { o.JwksUrl = "https://a.test/jwks"; o.Audience = null; }), e => e.Contains("Audience is required"));

    [Fact]
    public void SomeTokenSource_IsRequired_WithoutLoopbackAccess()
    {
        Assert.Contains(Errors(_ => { }), e => e.Contains("JwtSecret, JwksUrl or Authority is required"));
        Assert.Empty(Errors(o => o.Authority = "https://login.example.test"));
        Assert.Empty(Errors(o => o.JwtSecret = TestTokens.Secret));
    }

    [Fact]
    public void RefreshIntervals_AreBounded()
    {
        Assert.Contains(Errors(o => o.JwksRefreshInterval = TimeSpan.FromMinutes(1)), e => e.Contains("JwksRefreshInterval"));
        Assert.Contains(Errors(o => o.JwksRefreshMinInterval = TimeSpan.Zero), e => e.Contains("JwksRefreshMinInterval"));
    }

    [Theory]
    [InlineData("https://idp.example.test", "https://idp.example.test/.well-known/openid-configuration")]
    [InlineData("https://idp.example.test/tenant/", "https://idp.example.test/tenant/.well-known/openid-configuration")]
    [InlineData("https://idp.example.test/.well-known/openid-configuration", "https://idp.example.test/.well-known/openid-configuration")]
    public void DiscoveryAddress_FollowsOidcDiscovery(string authority, string expected) =>
        Assert.Equal(expected, SigningKeySource.DiscoveryAddress(authority));
}
