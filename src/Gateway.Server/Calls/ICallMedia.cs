using System.Net;
using Gateway.Media.Bridge;
using Gateway.Sdp.Translation;

namespace Gateway.Server.Calls;

/// <summary>
/// One call's media as the call layer uses it: a thin seam over <see cref="MediaSession"/> so the call state
/// machine can be tested with a fake. Events may be raised on any thread.
/// </summary>
internal interface ICallMedia : IAsyncDisposable
{
    /// <summary>The gateway's ICE-lite/DTLS parameters for the browser's SDP.</summary>
    WebRtcEndpoint WebEndpoint { get; }
    /// <summary>The gateway's RTP address toward SIP.</summary>
    RtpEndpoint SipEndpoint { get; }

    event Action<MediaEndReason>? Ended;
    event Action<char, int>? DtmfFromWeb;

    /// <summary>The browser's ICE credentials and fingerprint ("sha-256 AB:CD:..."), and the DTLS role the gateway takes.</summary>
    void ConfigureWeb(string iceUfrag, string icePwd, string fingerprint, bool gatewayIsDtlsServer);
    void ConfigureSip(IPEndPoint remote, MediaCodecMapping codecs);
    void SetForwarding(bool toWeb, bool toSip);
    void StartEcho(int webPayloadType, int clockRate);
    void StartPlayback(ReadOnlyMemory<short> samples8k, int webPayloadType, int clockRate);
    void SendDtmfToSip(string digits, int durationMs);
    /// <summary>Records both legs into <paramref name="fileName"/> under the recording folder; the full path, or null when not recorded (limit, I/O error: logged).</summary>
    string? StartRecording(string fileName, int sampleRate);
    MediaSessionStats Stats { get; }
}

/// <summary>Allocates a call's media; throws <see cref="MediaUnavailableException"/> when no port is free.</summary>
internal interface ICallMediaFactory
{
    ICallMedia Create();
}
