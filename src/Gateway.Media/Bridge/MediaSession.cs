#pragma warning disable CS0067 // contract stub: events are raised once implemented
using System.Net;
using Gateway.Media.Ice;

namespace Gateway.Media.Bridge;

/// <summary>
/// One call's media: a web leg (ICE-lite + DTLS + SRTP) joined to a SIP leg (plain RTP), or the web leg alone
/// for the built-in apps (echo, playback). Created by <see cref="MediaEngine.CreateSession"/>; dispose it when
/// the call ends (frees its ports).
/// CONTRACT STUB: implemented in the media bridge work.
/// </summary>
public sealed class MediaSession : IAsyncDisposable
{
    // ---- local parameters, for the SDP layer's WebRtcEndpoint / RtpEndpoint ----
    /// <summary>The web leg's host candidate address and port.</summary>
    public IPEndPoint WebEndPoint => throw new NotImplementedException();
    public IceCredentials LocalIce => throw new NotImplementedException();
    public string FingerprintAlgorithm => throw new NotImplementedException();
    public string Fingerprint => throw new NotImplementedException();
    /// <summary>The SIP leg's RTP address and port (c= and m= toward the trunk).</summary>
    public IPEndPoint SipEndPoint => throw new NotImplementedException();

    /// <summary>Raised once ICE and DTLS are up on the web leg (SRTP keys in place).</summary>
    public event Action<MediaSession>? Connected;
    /// <summary>Raised once when the media plane ends the session on its own.</summary>
    public event Action<MediaSession, MediaEndReason>? Ended;
    /// <summary>An RFC 4733 digit received from the web leg (raised on the event's end), for SIP INFO relay.</summary>
    public event Action<MediaSession, char, int>? DtmfFromWeb;

    /// <summary>The browser's ICE credentials and certificate fingerprint, and the DTLS role the gateway takes.</summary>
    public void ConfigureWeb(IceCredentials remote, string remoteFingerprintAlgorithm, string remoteFingerprint, bool gatewayIsDtlsServer) =>
        throw new NotImplementedException();

    /// <summary>The SIP side's RTP address (may change on re-INVITE) and the payload type mapping.</summary>
    public void ConfigureSip(IPEndPoint remote, MediaCodecMapping codecs) => throw new NotImplementedException();

    /// <summary>Hold: stop (false) or resume (true) forwarding toward each leg.</summary>
    public void SetForwarding(bool toWeb, bool toSip) => throw new NotImplementedException();

    /// <summary>Built-in app: send the web leg's audio back to it (extension 600).</summary>
    public void StartEcho(int webPayloadType, int clockRate) => throw new NotImplementedException();

    /// <summary>Built-in app: play 8 kHz 16-bit mono samples to the web leg as G.711 (PCMU 0 or PCMA 8), looping until disposed.</summary>
    public void StartPlayback(ReadOnlyMemory<short> samples8k, int webPayloadType) => throw new NotImplementedException();

    /// <summary>Sends RFC 4733 digits toward the SIP leg (0-9 * # A-D), each for durationMs.</summary>
    public void SendDtmfToSip(string digits, int durationMs) => throw new NotImplementedException();

    public MediaSessionStats Stats => throw new NotImplementedException();

    public ValueTask DisposeAsync() => throw new NotImplementedException();
}
