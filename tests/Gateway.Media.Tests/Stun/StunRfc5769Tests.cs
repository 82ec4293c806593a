using System.Net;
using System.Security.Cryptography;
using System.Text;
using Gateway.Media.Stun;
using Gateway.Tests.Shared;
using Xunit;

namespace Gateway.Media.Tests.Stun;

/// <summary>RFC 5769 test vectors, read from tests/conformance/stun-rfc5769, one case per vector.</summary>
public sealed class StunRfc5769Tests
{
    private static readonly byte[] ShortTermKey = Encoding.UTF8.GetBytes("VOkJxbRl1RmTxUk/WvJxBt");

    private static byte[] Load(string file) =>
        Convert.FromHexString(File.ReadAllText(Conformance.PathOf("stun-rfc5769", file)).Trim());

    [Fact]
    public void Rfc5769_2_1_SampleRequest()
    {
        var bytes = Load("sample-request.hex");
        Assert.Equal(StunError.None, StunMessage.TryParse(bytes, out var msg, out _));
        Assert.Equal(StunClass.Request, msg.Class);
        Assert.Equal(StunMethod.Binding, msg.Method);
        Assert.True(msg.TryGetAttribute(StunAttributeType.Software, out var software));
        Assert.Equal("STUN test client", Encoding.UTF8.GetString(software));
        Assert.True(msg.TryGetAttribute(StunAttributeType.Username, out var user));
        Assert.Equal("evtj:h6vY", Encoding.UTF8.GetString(user));
        Assert.True(msg.TryGetUInt32(StunAttributeType.Priority, out uint prio));
        Assert.Equal(0x6E0001FFu, prio);
        Assert.True(msg.TryGetUInt64(StunAttributeType.IceControlled, out ulong tie));
        Assert.Equal(0x932FF9B151263B36UL, tie);
        Assert.True(msg.VerifyMessageIntegrity(ShortTermKey));
        Assert.False(msg.VerifyMessageIntegrity("wrong"u8));
        Assert.True(msg.VerifyFingerprint());
        // Padding in this vector is 0x20 (RFC 5769 §2.1): the parser must accept any padding value.
        Assert.Equal(0x20, bytes[^33]);
    }

    [Fact]
    public void Rfc5769_2_2_SampleIPv4Response()
    {
        var bytes = Load("sample-ipv4-response.hex");
        Assert.Equal(StunError.None, StunMessage.TryParse(bytes, out var msg, out _));
        Assert.Equal(StunClass.SuccessResponse, msg.Class);
        Assert.True(msg.TryGetXorMappedAddress(out var ep));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853), ep);
        Assert.True(msg.VerifyMessageIntegrity(ShortTermKey));
        Assert.True(msg.VerifyFingerprint());
    }

    [Fact]
    public void Rfc5769_2_3_SampleIPv6Response()
    {
        var bytes = Load("sample-ipv6-response.hex");
        Assert.Equal(StunError.None, StunMessage.TryParse(bytes, out var msg, out _));
        Assert.True(msg.TryGetXorMappedAddress(out var ep));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853), ep);
        Assert.True(msg.VerifyMessageIntegrity(ShortTermKey));
        Assert.True(msg.VerifyFingerprint());
    }

    [Fact]
    public void Rfc5769_2_4_SampleRequestLongTermAuth()
    {
        var bytes = Load("sample-request-long-term-auth.hex");
        Assert.Equal(StunError.None, StunMessage.TryParse(bytes, out var msg, out _));
        Assert.True(msg.TryGetAttribute(StunAttributeType.Username, out var user));
        string username = "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9";
        Assert.Equal(username, Encoding.UTF8.GetString(user));
        Assert.True(msg.TryGetAttribute(StunAttributeType.Realm, out var realm));
        Assert.Equal("example.org", Encoding.UTF8.GetString(realm));
        Assert.True(msg.TryGetAttribute(StunAttributeType.Nonce, out var nonce));
        Assert.Equal("f//499k954d6OL34oL9FSTvy64sA", Encoding.UTF8.GetString(nonce));
        var key = MD5.HashData(Encoding.UTF8.GetBytes(username + ":example.org:TheMatrIX"));
        Assert.True(msg.VerifyMessageIntegrity(key));
        Assert.False(msg.HasAttribute(StunAttributeType.Fingerprint));
    }

    [Fact]
    public void Builder_RoundTrip_ReproducesIPv4ResponseVector()
    {
        var expected = Load("sample-ipv4-response.hex");
        Assert.Equal(StunError.None, StunMessage.TryParse(expected, out var vector, out _));
        Span<byte> buf = stackalloc byte[256];
        var w = new StunWriter(buf, StunMethod.Binding, StunClass.SuccessResponse, vector.TransactionId);
        // SOFTWARE "test vector" is 11 bytes; the vector pads it with 0x20.
        w.AddAttribute(StunAttributeType.Software, "test vector"u8);
        buf[20 + 4 + 11] = 0x20;
        w.AddXorMappedAddress(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853));
        w.AddMessageIntegrity(ShortTermKey);
        w.AddFingerprint();
        Assert.Equal(StunError.None, w.Error);
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(w.Written));
    }
}
