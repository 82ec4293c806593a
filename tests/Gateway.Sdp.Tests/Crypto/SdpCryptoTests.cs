using Gateway.Sdp.Crypto;

namespace Gateway.Sdp.Tests.Crypto;

/// <summary>a=crypto values (RFC 4568 §9.1): the RFC's own examples, the gateway's form, and each grammar rule broken once.</summary>
public sealed class SdpCryptoTests
{
    /// <summary>RFC 4568 §9.1 / §6.1 example key-salt (30 bytes: 16 key, 14 salt).</summary>
    private const string RfcKey = "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR";

    [Fact]
    public void Rfc4568Example_WithLifetimeAndMki_ParsesButIsNotUsable()
    {
        Assert.True(SdpCrypto.TryParse($"1 AES_CM_128_HMAC_SHA1_80 inline:{RfcKey}|2^20|1:4", out var crypto, out var error), error?.ToString());
        Assert.Equal(1, crypto!.Tag);
        Assert.Equal(SdpCryptoSuite.AesCm128HmacSha1_80, crypto.Suite);
        Assert.Equal(Convert.FromHexString("3d2d6e40255e7821426a75667239293f2c2335685c603d265d7b71695051"), crypto.KeySalt);
        Assert.Equal(4, crypto.MkiLength);
        Assert.False(crypto.IsUsable); // the gateway's SRTP carries no MKI
    }

    [Theory]
    [InlineData("1 AES_CM_128_HMAC_SHA1_80 inline:" + RfcKey, SdpCryptoSuite.AesCm128HmacSha1_80)]
    [InlineData("2 AES_CM_128_HMAC_SHA1_32 inline:" + RfcKey + "|2^31", SdpCryptoSuite.AesCm128HmacSha1_32)]
    [InlineData("3 AES_CM_128_HMAC_SHA1_80 inline:" + RfcKey + "|1048576", SdpCryptoSuite.AesCm128HmacSha1_80)]
    [InlineData("4\tAES_CM_128_HMAC_SHA1_32  inline:" + RfcKey, SdpCryptoSuite.AesCm128HmacSha1_32)]
    public void OneInlineKey_IsUsable(string value, SdpCryptoSuite suite)
    {
        Assert.True(SdpCrypto.TryParse(value, out var crypto, out var error), error?.ToString());
        Assert.Equal(suite, crypto!.Suite);
        Assert.True(crypto.IsUsable);
        Assert.Equal(30, crypto.KeySalt.Length);
    }

    [Fact]
    public void UnknownSuite_AndSessionParams_ParseAsUnusable()
    {
        Assert.True(SdpCrypto.TryParse("1 AEAD_AES_256_GCM inline:" + Convert.ToBase64String(new byte[44]), out var gcm, out _));
        Assert.Null(gcm!.Suite);
        Assert.Equal("AEAD_AES_256_GCM", gcm.SuiteName);
        Assert.False(gcm.IsUsable);
        Assert.True(SdpCrypto.TryParse($"1 AES_CM_128_HMAC_SHA1_80 inline:{RfcKey} UNENCRYPTED_SRTP KDR=1", out var withParams, out _));
        Assert.Equal(["UNENCRYPTED_SRTP", "KDR=1"], withParams!.SessionParams);
        Assert.False(withParams.IsUsable); // §6.3: the gateway honours no session parameter
        Assert.True(SdpCrypto.TryParse($"1 AES_CM_128_HMAC_SHA1_80 inline:{RfcKey}|2^20|1:4;inline:{RfcKey}|2^20|2:4", out var twoKeys, out _));
        Assert.False(twoKeys!.IsUsable);
    }

    [Theory]
    [InlineData("", SdpCryptoErrorKind.BadTag, 0)]
    [InlineData("x AES_CM_128_HMAC_SHA1_80 inline:" + RfcKey, SdpCryptoErrorKind.BadTag, 0)]
    [InlineData("1234567890 AES_CM_128_HMAC_SHA1_80 inline:" + RfcKey, SdpCryptoErrorKind.BadTag, 0)]
    [InlineData("1AES_CM_128_HMAC_SHA1_80 inline:" + RfcKey, SdpCryptoErrorKind.BadTag, 1)]
    [InlineData("1 AES-CM inline:" + RfcKey, SdpCryptoErrorKind.BadSuite, 5)]
    [InlineData("1 AES_CM_128_HMAC_SHA1_80", SdpCryptoErrorKind.BadSuite, 25)]
    [InlineData("1  ", SdpCryptoErrorKind.BadSuite, 3)]
    [InlineData("1 AES_CM_128_HMAC_SHA1_80 uri:http://x", SdpCryptoErrorKind.BadKeyMethod, 26)]
    [InlineData("1 AES_CM_128_HMAC_SHA1_80 inline:", SdpCryptoErrorKind.BadKeySalt, 33)]
    [InlineData("1 AES_CM_128_HMAC_SHA1_80 inline:!!!!", SdpCryptoErrorKind.BadKeySalt, 33)]
    [InlineData("1 AES_CM_128_HMAC_SHA1_80 inline:QUJD", SdpCryptoErrorKind.BadKeyLength, 33)]
    [InlineData("1 AES_CM_128_HMAC_SHA1_80 inline:" + RfcKey + "|2^x", SdpCryptoErrorKind.BadLifetime, 74)]
    [InlineData("1 AES_CM_128_HMAC_SHA1_80 inline:" + RfcKey + "|2^49", SdpCryptoErrorKind.BadLifetime, 74)]
    [InlineData("1 AES_CM_128_HMAC_SHA1_80 inline:" + RfcKey + "|", SdpCryptoErrorKind.BadLifetime, 74)]
    [InlineData("1 AES_CM_128_HMAC_SHA1_80 inline:" + RfcKey + "|1:0", SdpCryptoErrorKind.BadMki, 76)]
    [InlineData("1 AES_CM_128_HMAC_SHA1_80 inline:" + RfcKey + "|1:129", SdpCryptoErrorKind.BadMki, 76)]
    [InlineData("1 AES_CM_128_HMAC_SHA1_80 inline:" + RfcKey + "|a:4", SdpCryptoErrorKind.BadMki, 74)]
    [InlineData("1 AES_CM_128_HMAC_SHA1_80 inline:" + RfcKey + "|1:4|2^20", SdpCryptoErrorKind.BadMki, 77)]
    [InlineData("1 AES_CM_128_HMAC_SHA1_80 inline:" + RfcKey + "|2^20|2^20", SdpCryptoErrorKind.BadLifetime, 79)]
    [InlineData("1 AES_CM_128_HMAC_SHA1_80 inline:" + RfcKey + ";", SdpCryptoErrorKind.BadKeyMethod, 74)]
    [InlineData("1 AES_CM_128_HMAC_SHA1_80 inline:" + RfcKey + " \u00e9", SdpCryptoErrorKind.BadSessionParam, 74)]
    public void BadInput_IsRefused_WithTheRuleAndColumn(string value, SdpCryptoErrorKind kind, int column)
    {
        Assert.False(SdpCrypto.TryParse(value, out var crypto, out var error));
        Assert.Null(crypto);
        Assert.Equal((kind, column), (error!.Kind, error.Column));
    }

    [Theory]
    [InlineData(SdpCryptoSuite.AesCm128HmacSha1_80)]
    [InlineData(SdpCryptoSuite.AesCm128HmacSha1_32)]
    public void Created_RoundTrips_WithFreshKeys(SdpCryptoSuite suite)
    {
        var a = SdpCrypto.Create(7, suite);
        var b = SdpCrypto.Create(7, suite);
        Assert.NotEqual(a.KeySalt, b.KeySalt);
        Assert.Matches("^7 AES_CM_128_HMAC_SHA1_(80|32) inline:[A-Za-z0-9+/]{40}$", a.ToAttributeValue());
        Assert.True(SdpCrypto.TryParse(a.ToAttributeValue(), out var parsed, out _));
        Assert.Equal((a.Tag, a.Suite), (parsed!.Tag, parsed.Suite));
        Assert.Equal(a.KeySalt, parsed.KeySalt);
    }

    [Fact]
    public void ToString_RedactsTheKey()
    {
        var crypto = SdpCrypto.Create(1, SdpCryptoSuite.AesCm128HmacSha1_80);
        Assert.DoesNotContain(Convert.ToBase64String(crypto.KeySalt), crypto.ToString());
        Assert.Contains("[redacted]", crypto.ToString());
    }

    /// <summary>Every prefix and every one-character mutation of a valid value: parsed or refused, never an exception.</summary>
    [Fact]
    public void PrefixesAndMutations_NeverThrow()
    {
        var valid = $"1 AES_CM_128_HMAC_SHA1_80 inline:{RfcKey}|2^20|1:4 KDR=1";
        for (var i = 0; i <= valid.Length; i++) SdpCrypto.TryParse(valid.AsSpan(0, i), out _, out _);
        var random = new Random(4568);
        for (var n = 0; n < 2000; n++)
        {
            var chars = valid.ToCharArray();
            chars[random.Next(chars.Length)] = (char)random.Next(0, 128);
            if (SdpCrypto.TryParse(new string(chars), out var c, out var e)) Assert.NotNull(c);
            else Assert.NotNull(e);
        }
    }
}
