namespace Gateway.Media.Srtp;

/// <summary>
/// Keys of an SDES-keyed SRTP leg (RFC 4568 §6.1): the profile and the master key || salt each way, as the SDP layer
/// negotiated them (ours from our a=crypto, the peer's from its). Secret: <see cref="ToString"/> never shows them.
/// </summary>
public sealed record SdesSrtpKeys(SrtpProfile Profile, byte[] SendKeySalt, byte[] ReceiveKeySalt)
{
    public override string ToString() => $"SDES {Profile} (keys redacted)";
}
