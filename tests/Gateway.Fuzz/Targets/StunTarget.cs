using System.Net;
using Gateway.Media.Ice;
using Gateway.Media.Stun;

namespace Gateway.Fuzz.Targets;

/// <summary>
/// A datagram the media socket classified as STUN (RFC 7983): parse (RFC 8489 §5, §14), read every attribute the
/// ICE-lite agent reads, check both integrities and the fingerprint, then hand it to an ICE-lite agent (RFC 8445 §7.3)
/// whose credentials are those of the RFC 5769 §2.1 sample request, so that seed passes its integrity check.
/// </summary>
public static class StunTarget
{
    public const string Name = "stun";

    private static readonly byte[] Key = "VOkJxbRl1RmTxUk/WvJxBt"u8.ToArray();
    private static readonly IPEndPoint Remote = new(IPAddress.Parse("192.0.2.1"), 32853);

    public static void Run(ReadOnlySpan<byte> input)
    {
        _ = StunMessage.IsStun(input);
        if (StunMessage.TryParse(input, out var message, out _) == StunError.None)
        {
            _ = (message.Class, message.Method, message.TransactionId.Length, message.Attributes.Length);
            _ = message.TryGetAttribute(StunAttributeType.Username, out _);
            _ = message.TryGetUInt32(StunAttributeType.Priority, out _);
            _ = message.TryGetUInt64(StunAttributeType.IceControlling, out _);
            _ = message.TryGetUInt64(StunAttributeType.IceControlled, out _);
            _ = message.HasAttribute(StunAttributeType.UseCandidate);
            _ = message.TryGetErrorCode(out _, out _);
            _ = message.TryGetXorMappedAddress(out _);
            _ = message.VerifyMessageIntegrity(Key);
            _ = message.VerifyMessageIntegritySha256(Key);
            _ = message.VerifyFingerprint();
        }
        var agent = new IceLiteAgent(new IceCredentials("evtj", "VOkJxbRl1RmTxUk/WvJxBt"));
        agent.SetRemoteCredentials(new IceCredentials("h6vY", "remotepasswordremotepass"));
        Span<byte> response = stackalloc byte[1500];
        _ = agent.HandleStun(input, Remote, response, out var length);
        FuzzInvariant.Check(length >= 0 && length <= response.Length, $"response length {length} out of range");
    }
}
