using Gateway.Media.Srtp;

namespace Gateway.Media.Bridge;

/// <summary>
/// SRTP and SRTCP on the SIP leg with SDES keys (RFC 4568, RFC 3711): one context protects what the gateway sends, one
/// unprotects what the trunk sends, each with its own master key and salt. Each context is used under its own lock:
/// the relay and DTMF both send, and RTCP may arrive on the RTP socket (mux) and on the RTCP socket.
/// </summary>
internal sealed class SipLegSrtp : IDisposable
{
    private readonly SrtpContext _send, _receive;
    private readonly Lock _sendGate = new(), _receiveGate = new();

    public SipLegSrtp(SdesSrtpKeys keys)
    {
        Keys = keys;
        var keyLength = SrtpProfiles.KeyLength;
        _send = new SrtpContext(keys.Profile, keys.SendKeySalt.AsSpan(0, keyLength), keys.SendKeySalt.AsSpan(keyLength));
        _receive = new SrtpContext(keys.Profile, keys.ReceiveKeySalt.AsSpan(0, keyLength), keys.ReceiveKeySalt.AsSpan(keyLength));
    }

    public SdesSrtpKeys Keys { get; }
    /// <summary>Room an outgoing packet needs after its end: the larger of the SRTP tag and the SRTCP index and tag.</summary>
    public int Overhead => Math.Max(_send.RtpOverhead, _send.RtcpOverhead);

    public SrtpError ProtectRtp(Span<byte> buffer, int length, out int protectedLength)
    {
        lock (_sendGate) return _send.ProtectRtp(buffer, length, out protectedLength);
    }

    public SrtpError ProtectRtcp(Span<byte> buffer, int length, out int protectedLength)
    {
        lock (_sendGate) return _send.ProtectRtcp(buffer, length, out protectedLength);
    }

    public SrtpError UnprotectRtp(Span<byte> packet, out int length)
    {
        lock (_receiveGate) return _receive.UnprotectRtp(packet, out length);
    }

    public SrtpError UnprotectRtcp(Span<byte> packet, out int length)
    {
        lock (_receiveGate) return _receive.UnprotectRtcp(packet, out length);
    }

    public void Dispose()
    {
        lock (_sendGate) _send.Dispose();
        lock (_receiveGate) _receive.Dispose();
    }
}
