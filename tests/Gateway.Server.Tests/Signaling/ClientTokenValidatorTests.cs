using Gateway.Tests.Shared;
using System.Buffers.Text;
using System.Text;
using Gateway.Server.Signaling;

namespace Gateway.Server.Tests.Signaling;

/// <summary>HS256 client tokens with Signaling:JwtSecret (RFC 7518 §3.2), as the protocol always had them.</summary>
public sealed class ClientTokenValidatorTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly ClientTokenValidator _validator;

    public ClientTokenValidatorTests() =>
        _validator = new ClientTokenValidator(new SignalingOptions { JwtSecret = TestTokens.Secret }, _time, keys: null);

    [Fact]
    public async Task ValidToken_GivesTheSubject()
    {
        var check = await _validator.ValidateAsync(TestTokens.Make("alice", exp: _time.GetUtcNow().AddSeconds(10)));
        Assert.True(check.IsValid, check.Error);
        Assert.Equal("alice", check.Subject);
    }

    [Fact]
    public async Task ClockSkew_IsTolerated_ButNoMore()
    {
        var now = _time.GetUtcNow();
        Assert.True((await _validator.ValidateAsync(TestTokens.Make("a", exp: now.AddSeconds(-20)))).IsValid);
        Assert.Equal("token has expired", (await _validator.ValidateAsync(TestTokens.Make("a", exp: now.AddSeconds(-31)))).Error);
        Assert.True((await _validator.ValidateAsync(TestTokens.Make("a", nbf: now.AddSeconds(20)))).IsValid);
        Assert.Equal("token is not valid yet", (await _validator.ValidateAsync(TestTokens.Make("a", nbf: now.AddSeconds(40)))).Error);
    }

    [Theory]
    [InlineData("", "token length out of range")]
    [InlineData("abc", "not a compact JWS")]
    [InlineData("a.b", "not a compact JWS")]
    [InlineData("a.b.c.d", "not a compact JWS")]
    [InlineData(".b.c", "not a compact JWS")]
    [InlineData("a.b.", "not a compact JWS")]
    [InlineData("a*.b.c", "not a compact JWS")]
    public async Task Malformed_IsRefused(string token, string expected)
    {
        var check = await _validator.ValidateAsync(token);
        Assert.Null(check.Subject);
        Assert.Contains(expected, check.Error);
    }

    [Fact]
    public async Task Oversized_IsRefused()
    {
        var check = await _validator.ValidateAsync(new string('a', ClientTokenValidator.MaxTokenLength + 1));
        Assert.Equal("token length out of range", check.Error);
    }

    [Fact]
    public async Task TamperedPayload_FailsTheSignature()
    {
        var parts = TestTokens.Make("alice").Split('.');
        parts[1] = Base64Url.EncodeToString("""{"sub":"admin"}"""u8);
        Assert.StartsWith("token signature is invalid", (await _validator.ValidateAsync(string.Join('.', parts))).Error);
    }

    [Fact]
    public async Task AlgNone_IsRefused_EvenUnsigned()
    {
        var header = Base64Url.EncodeToString("""{"alg":"none"}"""u8);
        var body = Base64Url.EncodeToString("""{"sub":"alice"}"""u8);
        Assert.False((await _validator.ValidateAsync(header + "." + body + ".")).IsValid);
        Assert.False((await _validator.ValidateAsync(header + "." + body + ".AA")).IsValid);
    }

    [Theory]
    [InlineData("HS384")]
    [InlineData("HS512")]
    [InlineData("RS256")]
    public async Task OtherAlgorithms_AreRefused(string alg)
    {
        Assert.False((await _validator.ValidateAsync(TestTokens.Make("alice", alg: alg))).IsValid);
    }

    [Theory]
    [InlineData("""{"exp":1}""", "token has expired")]
    [InlineData("""{"sub":"a","exp":"soon"}""", "token is")]
    [InlineData("""{"sub":7}""", "no sub")]
    [InlineData("""{"sub":""}""", "no sub")]
    [InlineData("""{"iss":"x"}""", "no sub")]
    [InlineData("""[1]""", "token is")]
    [InlineData("""{"sub":""", "token is")]
    public async Task BadClaims_AreRefused(string payload, string expected)
    {
        var check = await _validator.ValidateAsync(SignRaw("""{"alg":"HS256"}""", payload));
        Assert.Null(check.Subject);
        Assert.Contains(expected, check.Error);
    }

    [Fact]
    public async Task Issuer_AndAudience_AreEnforced_WhenSet()
    {
        var validator = new ClientTokenValidator(
            new SignalingOptions { JwtSecret = TestTokens.Secret, Issuer = "https://app.example.test", Audience = "gw" }, _time, keys: null);
        var secret = Encoding.UTF8.GetBytes(TestTokens.Secret);
        var now = _time.GetUtcNow();
        Assert.True((await validator.ValidateAsync(TestSigningKeys.Hs256(TestSigningKeys.Claims("a", now, "https://app.example.test", "gw"), secret))).IsValid);
        Assert.Equal("token issuer is not accepted",
            (await validator.ValidateAsync(TestSigningKeys.Hs256(TestSigningKeys.Claims("a", now, "https://other.example.test", "gw"), secret))).Error);
        Assert.Equal("token audience is not accepted",
            (await validator.ValidateAsync(TestSigningKeys.Hs256(TestSigningKeys.Claims("a", now, "https://app.example.test", "other"), secret))).Error);
        Assert.False((await validator.ValidateAsync(TestSigningKeys.Hs256(TestSigningKeys.Claims("a", now, iss: null, aud: null), secret))).IsValid);
    }

    [Fact]
    public async Task NoSecret_RefusesEveryToken()
    {
        var validator = new ClientTokenValidator(new SignalingOptions(), _time, keys: null);
        Assert.Contains("no secret", (await validator.ValidateAsync(TestTokens.Make("alice"))).Error);
    }

    private static string SignRaw(string header, string payload)
    {
        var h = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header));
        var p = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload));
        var mac = System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(TestTokens.Secret), Encoding.ASCII.GetBytes(h + "." + p));
        return h + "." + p + "." + Base64Url.EncodeToString(mac);
    }
}
