using Gateway.Tests.Shared;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Server.Signaling;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Tests.Signaling;

/// <summary>RS256 and ES256 client tokens verified with keys from a JWKS URL or an OpenID authority (a stub HTTP server).</summary>
public sealed class JwksTokenTests : IClassFixture<TestSigningKeys>, IDisposable
{
    private const string JwksUrl = "https://idp.example.test/keys";
    private readonly TestSigningKeys _keys;
    private readonly StubKeyServer _server = new();
    private readonly ManualTimeProvider _time = new();

    public JwksTokenTests(TestSigningKeys keys)
    {
        _keys = keys;
        _server.Documents["/keys"] = _keys.Jwks();
    }

    private ClientTokenValidator Validator(Action<SignalingOptions>? configure = null)
    {
        var o = new SignalingOptions
        {
            JwksUrl = JwksUrl,
            Issuer = TestSigningKeys.Issuer,
            Audience = TestSigningKeys.Audience,
            JwksRefreshMinInterval = TimeSpan.FromHours(1),
        };
        configure?.Invoke(o);
        return new ClientTokenValidator(Options.Create(o), _time,
            new SigningKeyDocumentRetriever(_server, NullLogger<SigningKeyDocumentRetriever>.Instance));
    }

    private JsonObject Claims(string sub = "alice", string? iss = TestSigningKeys.Issuer, string? aud = TestSigningKeys.Audience,
        TimeSpan? expiresIn = null, TimeSpan? notBeforeIn = null) =>
        TestSigningKeys.Claims(sub, _time.GetUtcNow(), iss, aud, expiresIn, notBeforeIn);

    [Fact]
    public async Task Rs256_AndEs256_FromTheJwks_AreAccepted_WithOneFetch()
    {
        var validator = Validator();
        var rsa = await validator.ValidateAsync(_keys.Rs256(Claims("alice")));
        Assert.True(rsa.IsValid, rsa.Error);
        Assert.Equal("alice", rsa.Subject);
        var ec = await validator.ValidateAsync(_keys.Es256(Claims("bob")));
        Assert.True(ec.IsValid, ec.Error);
        Assert.Equal("bob", ec.Subject);
        Assert.Equal(1, _server.Requests); // cached
    }

    public static TheoryData<string> Kinds => ["RS256", "ES256"];

    private string Signed(string kind, JsonObject claims) => kind == "RS256" ? _keys.Rs256(claims) : _keys.Es256(claims);

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Lifetime_IsChecked_WithTheSkew(string kind)
    {
        var validator = Validator();
        Assert.Equal("token has expired", (await validator.ValidateAsync(Signed(kind, Claims(expiresIn: TimeSpan.FromSeconds(-31))))).Error);
        Assert.True((await validator.ValidateAsync(Signed(kind, Claims(expiresIn: TimeSpan.FromSeconds(-20))))).IsValid);
        Assert.Equal("token is not valid yet", (await validator.ValidateAsync(Signed(kind, Claims(notBeforeIn: TimeSpan.FromMinutes(1))))).Error);
        var token = Signed(kind, Claims(expiresIn: TimeSpan.FromMinutes(1)));
        Assert.True((await validator.ValidateAsync(token)).IsValid);
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal("token has expired", (await validator.ValidateAsync(token)).Error);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task WrongIssuer_AndWrongAudience_AreRefused(string kind)
    {
        var validator = Validator();
        Assert.Equal("token issuer is not accepted", (await validator.ValidateAsync(Signed(kind, Claims(iss: "https://evil.example.test/")))).Error);
        Assert.Equal("token issuer is not accepted", (await validator.ValidateAsync(Signed(kind, Claims(iss: null)))).Error);
        Assert.Equal("token audience is not accepted", (await validator.ValidateAsync(Signed(kind, Claims(aud: "another-app")))).Error);
        Assert.Equal("token audience is not accepted", (await validator.ValidateAsync(Signed(kind, Claims(aud: null)))).Error);
    }

    [Fact]
    public async Task WrongKey_IsRefused()
    {
        var validator = Validator();
        using var otherRsa = RSA.Create(2048);
        using var otherEc = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string[] forged =
        [
            // The provider's kid, someone else's key.
            TestSigningKeys.Sign("RS256", TestSigningKeys.RsaKid, Claims(), i => otherRsa.SignData(i, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)),
            TestSigningKeys.Sign("ES256", TestSigningKeys.EcKid, Claims(), i => otherEc.SignData(i, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)),
            // No kid: every key is tried, none fits.
            TestSigningKeys.Sign("RS256", null, Claims(), i => otherRsa.SignData(i, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)),
            // The right key under the other kind's alg.
            TestSigningKeys.Sign("ES256", TestSigningKeys.RsaKid, Claims(), i => _keys.Rsa.SignData(i, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)),
        ];
        foreach (var token in forged)
            Assert.False((await validator.ValidateAsync(token)).IsValid, token);
    }

    [Fact]
    public async Task AlgNone_IsRefused()
    {
        var validator = Validator();
        Assert.False((await validator.ValidateAsync(TestSigningKeys.Unsigned(Claims()))).IsValid);
        Assert.False((await validator.ValidateAsync(TestSigningKeys.Unsigned(Claims(), TestSigningKeys.RsaKid))).IsValid);
    }

    /// <summary>RFC 8725 §2.1: a verifier that let the token pick HS256 would use the public key as the HMAC secret.</summary>
    [Fact]
    public async Task Hs256_SignedWithThePublicKey_IsRefused()
    {
        var validator = Validator(o => o.JwtSecret = TestTokens.Secret); // HS256 is allowed, but only with the secret
        byte[][] publicKeyBytes =
        [
            Encoding.UTF8.GetBytes(_keys.Rsa.ExportSubjectPublicKeyInfoPem()),
            _keys.Rsa.ExportSubjectPublicKeyInfo(),
            _keys.Rsa.ExportParameters(false).Modulus!,
            Encoding.UTF8.GetBytes(TestSigningKeys.RsaJwk(_keys.Rsa, TestSigningKeys.RsaKid).ToJsonString()),
            Encoding.UTF8.GetBytes(_keys.Ec.ExportSubjectPublicKeyInfoPem()),
            Encoding.UTF8.GetBytes(_keys.Jwks()),
        ];
        foreach (var key in publicKeyBytes)
        {
            Assert.False((await validator.ValidateAsync(TestSigningKeys.Hs256(Claims(), key, TestSigningKeys.RsaKid))).IsValid);
            Assert.False((await validator.ValidateAsync(TestSigningKeys.Hs256(Claims(), key))).IsValid);
        }
        // The secret still works beside the JWKS.
        Assert.True((await validator.ValidateAsync(TestSigningKeys.Hs256(Claims(), Encoding.UTF8.GetBytes(TestTokens.Secret)))).IsValid);
    }

    [Fact]
    public async Task Hs256_IsRefused_WhenOnlyPublicKeysAreConfigured()
    {
        var validator = Validator();
        Assert.False((await validator.ValidateAsync(TestSigningKeys.Hs256(Claims(), Encoding.UTF8.GetBytes(TestTokens.Secret)))).IsValid);
        Assert.False((await validator.ValidateAsync(TestTokens.Make("alice"))).IsValid);
    }

    [Fact]
    public async Task JwkAlg_BindsTheKey()
    {
        // RFC 7517 §4.4: this RSA key is published for RS512 only, so an RS256 token with it is refused.
        var jwk = TestSigningKeys.RsaJwk(_keys.Rsa, TestSigningKeys.RsaKid);
        jwk["alg"] = "RS512";
        _server.Documents["/keys"] = new JsonObject { ["keys"] = new JsonArray(jwk) }.ToJsonString();
        Assert.False((await Validator().ValidateAsync(_keys.Rs256(Claims()))).IsValid);
    }

    [Fact]
    public async Task EncryptionKeys_AreNotUsedToVerify()
    {
        // RFC 7517 §4.2: "use":"enc" marks a key for encryption, never for signatures.
        var jwk = TestSigningKeys.RsaJwk(_keys.Rsa, TestSigningKeys.RsaKid);
        jwk["use"] = "enc";
        _server.Documents["/keys"] = new JsonObject { ["keys"] = new JsonArray(jwk, TestSigningKeys.EcJwk(_keys.Ec, TestSigningKeys.EcKid)) }.ToJsonString();
        var validator = Validator();
        Assert.False((await validator.ValidateAsync(_keys.Rs256(Claims()))).IsValid);
        Assert.True((await validator.ValidateAsync(_keys.Es256(Claims()))).IsValid);
    }

    [Fact]
    public async Task JwksWithTooManyKeys_IsNotUsed()
    {
        var keys = new JsonArray();
        for (var i = 0; i <= SigningKeyRetriever.MaxKeys; i++) keys.Add(TestSigningKeys.EcJwk(_keys.Ec, i == 0 ? TestSigningKeys.EcKid : "ec-" + i));
        _server.Documents["/keys"] = new JsonObject { ["keys"] = keys }.ToJsonString();
        Assert.False((await Validator().ValidateAsync(_keys.Es256(Claims()))).IsValid);
    }

    [Fact]
    public async Task UnknownKid_RefreshesTheKeys_AtMostOncePerMinInterval()
    {
        _server.Documents["/keys"] = _keys.Jwks(ec: false);
        var validator = Validator();
        Assert.True((await validator.ValidateAsync(_keys.Rs256(Claims()))).IsValid);
        Assert.Equal(1, _server.Requests);

        // The provider rotates in the EC key; the first token naming it triggers the early refresh.
        _server.Documents["/keys"] = _keys.Jwks();
        var token = _keys.Es256(Claims());
        var accepted = false;
        for (var i = 0; i < 200 && !accepted; i++) // the refresh runs in the background: bounded wait for it
        {
            accepted = (await validator.ValidateAsync(token)).IsValid;
            if (!accepted) await Task.Delay(10);
        }
        Assert.True(accepted);
        Assert.Equal(2, _server.Requests);

        // Within JwksRefreshMinInterval, tokens naming unknown keys fetch nothing more.
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        for (var i = 0; i < 20; i++)
        {
            var forged = TestSigningKeys.Sign("ES256", "unknown-" + i, Claims(),
                d => stranger.SignData(d, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
            Assert.Equal("token signature is invalid (no known key verifies it)", (await validator.ValidateAsync(forged)).Error);
        }
        Assert.Equal(2, _server.Requests);
    }

    [Fact]
    public async Task Authority_UsesDiscovery_JwksUri_AndIssuer()
    {
        _server.Documents["/tenant/.well-known/openid-configuration"] = new JsonObject
        {
            ["issuer"] = "https://login.example.test/tenant",
            ["jwks_uri"] = "https://login.example.test/tenant/jwks",
        }.ToJsonString();
        _server.Documents["/tenant/jwks"] = _keys.Jwks();
        var validator = Validator(o => { o.JwksUrl = null; o.Issuer = null; o.Authority = "https://login.example.test/tenant/"; });

        var check = await validator.ValidateAsync(_keys.Es256(Claims(iss: "https://login.example.test/tenant")));
        Assert.True(check.IsValid, check.Error);
        Assert.True((await validator.ValidateAsync(_keys.Rs256(Claims(iss: "https://login.example.test/tenant")))).IsValid);
        Assert.Equal("token issuer is not accepted", (await validator.ValidateAsync(_keys.Rs256(Claims(iss: "https://evil.example.test")))).Error);
    }

    [Fact]
    public async Task UnreachableKeys_RefuseTokens_WithoutThrowing()
    {
        _server.Documents.Clear(); // 404
        var validator = Validator();
        Assert.False((await validator.ValidateAsync(_keys.Rs256(Claims()))).IsValid);
    }

    [Fact]
    public async Task PlainHttpKeys_AreNotFetched_FromANonLoopbackHost()
    {
        _server.Documents["/keys"] = _keys.Jwks();
        var validator = Validator(o => o.JwksUrl = "http://idp.example.test/keys");
        Assert.False((await validator.ValidateAsync(_keys.Rs256(Claims()))).IsValid);
        Assert.Equal(0, _server.Requests);
    }

    [Fact]
    public async Task OversizedJwks_IsNotUsed()
    {
        _server.Documents["/keys"] = _keys.Jwks().Replace("\"keys\"", $"\"pad\":\"{new string('x', SigningKeyDocumentRetriever.MaxDocumentBytes)}\",\"keys\"");
        Assert.False((await Validator().ValidateAsync(_keys.Rs256(Claims()))).IsValid);
    }

    public void Dispose() => _server.Dispose();
}
