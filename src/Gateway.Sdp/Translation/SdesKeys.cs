using Gateway.Sdp.Crypto;

namespace Gateway.Sdp.Translation;

/// <summary>
/// The SDES keys negotiated for the SIP leg (RFC 4568 §6.1): the suite, the key and salt the gateway sends with (its own
/// a=crypto) and the one it receives with (the peer's). Secret: <see cref="ToString"/> never shows the keys.
/// </summary>
public sealed record SdesKeys(SdpCryptoSuite Suite, byte[] LocalKeySalt, byte[] RemoteKeySalt)
{
    public override string ToString() => $"SDES {Suite.Name()} (keys redacted)";
}
