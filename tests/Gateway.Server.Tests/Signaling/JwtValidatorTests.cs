using System.Buffers.Text;
using System.Text;
using Gateway.Server.Signaling;

namespace Gateway.Server.Tests.Signaling;

public sealed class JwtValidatorTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly JwtValidator _validator;

    public JwtValidatorTests() =>
        _validator = new JwtValidator(Encoding.UTF8.GetBytes(TestTokens.Secret), TimeSpan.FromSeconds(30), _time);

    [Fact]
    public void ValidToken_GivesTheSubject()
    {
        Assert.True(_validator.TryValidate(TestTokens.Make("alice", exp: _time.GetUtcNow().AddSeconds(10)), out var sub, out var error), error);
        Assert.Equal("alice", sub);
    }

    [Fact]
    public void ClockSkew_IsTolerated_ButNoMore()
    {
        var now = _time.GetUtcNow();
        Assert.True(_validator.TryValidate(TestTokens.Make("a", exp: now.AddSeconds(-20)), out _, out _));
        Assert.False(_validator.TryValidate(TestTokens.Make("a", exp: now.AddSeconds(-31)), out _, out var error));
        Assert.Equal("token has expired", error);
        Assert.True(_validator.TryValidate(TestTokens.Make("a", nbf: now.AddSeconds(20)), out _, out _));
        Assert.False(_validator.TryValidate(TestTokens.Make("a", nbf: now.AddSeconds(40)), out _, out error));
        Assert.Equal("token is not valid yet", error);
    }

    [Theory]
    [InlineData("", "token length out of range")]
    [InlineData("abc", "not a compact JWS")]
    [InlineData("a.b", "not a compact JWS")]
    [InlineData("a.b.c.d", "not a compact JWS")]
    [InlineData(".b.c", "not a compact JWS")]
    [InlineData("a.b.", "not a compact JWS")]
    [InlineData("a*.b.c", "not valid base64url")]
    public void Malformed_IsRefused(string token, string expected)
    {
        Assert.False(_validator.TryValidate(token, out var sub, out var error));
        Assert.Null(sub);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void TamperedPayload_FailsTheSignature()
    {
        var parts = TestTokens.Make("alice").Split('.');
        parts[1] = Base64Url.EncodeToString("""{"sub":"admin"}"""u8);
        Assert.False(_validator.TryValidate(string.Join('.', parts), out _, out var error));
        Assert.Equal("token signature is invalid", error);
    }

    [Fact]
    public void AlgNone_IsRefused_EvenUnsigned()
    {
        var header = Base64Url.EncodeToString("""{"alg":"none"}"""u8);
        var body = Base64Url.EncodeToString("""{"sub":"alice"}"""u8);
        Assert.False(_validator.TryValidate(header + "." + body + ".AA", out _, out var error));
        Assert.Contains("HS256", error);
    }

    [Theory]
    [InlineData("""{"exp":1}""", "token has expired")]
    [InlineData("""{"sub":"a","exp":"soon"}""", "exp is not a number")]
    [InlineData("""{"sub":7}""", "no sub")]
    [InlineData("""{"sub":""}""", "no sub")]
    [InlineData("""[1]""", "not a JSON object")]
    [InlineData("""{"sub":""", "not valid JSON")]
    public void BadClaims_AreRefused(string payload, string expected)
    {
        var token = SignRaw("""{"alg":"HS256"}""", payload);
        Assert.False(_validator.TryValidate(token, out _, out var error));
        Assert.Contains(expected, error);
    }

    [Fact]
    public void NoSecret_RefusesEveryToken()
    {
        var validator = new JwtValidator(null, TimeSpan.Zero, _time);
        Assert.False(validator.TryValidate(TestTokens.Make("alice"), out _, out var error));
        Assert.Contains("no secret", error);
    }

    private static string SignRaw(string header, string payload)
    {
        var h = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header));
        var p = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload));
        var mac = System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(TestTokens.Secret), Encoding.ASCII.GetBytes(h + "." + p));
        return h + "." + p + "." + Base64Url.EncodeToString(mac);
    }
}
