using System.Net;
using Gateway.Media.Bridge;
using Gateway.Media.Conference;
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
    /// <summary>ICE connected, then DTLS connected on the web leg (once each; for the call's trace). None by default.</summary>
    event Action<MediaMilestone>? Milestone { add { } remove { } }
    event Action<char, int>? DtmfFromWeb;

    /// <summary>The browser's ICE credentials and fingerprint ("sha-256 AB:CD:..."), and the DTLS role the gateway takes.</summary>
    void ConfigureWeb(string iceUfrag, string icePwd, string fingerprint, bool gatewayIsDtlsServer);
    void ConfigureSip(IPEndPoint remote, MediaCodecMapping codecs);
    void SetForwarding(bool toWeb, bool toSip);
    /// <summary>Built-in applications on <paramref name="leg"/>: echo, playback, a conference room (a browser's or a SIP caller's leg).</summary>
    void StartEcho(int payloadType, int clockRate, MediaAppLeg leg);
    void StartPlayback(ReadOnlyMemory<short> samples8k, int payloadType, int clockRate, MediaAppLeg leg);
    /// <summary>A SIP caller answered by an application: where its RTP comes from and goes (plain RTP).</summary>
    void ConfigureSipApp(IPEndPoint remote, int clockRate);
    /// <summary>Joins a conference room; <paramref name="onDigit"/> hears the leg's RFC 4733 digits (any thread).</summary>
    ConferenceError JoinConference(string room, ConferenceCodec codec, MediaAppLeg leg, Action<char> onDigit);
    /// <summary>Whether the call's participant is out of the others' mix.</summary>
    bool ConferenceMuted { get; set; }
    void SendDtmfToSip(string digits, int durationMs);
    /// <summary>Records both legs into <paramref name="fileName"/> under the recording folder; the full path, or null when not recorded (limit, I/O error: logged).</summary>
    string? StartRecording(string fileName, int sampleRate);
    MediaSessionStats Stats { get; }
}

/// <summary>Steps of the web leg's media the call's trace records.</summary>
internal enum MediaMilestone
{
    /// <summary>The browser's first ICE check succeeded (RFC 8445 §7.3: a pair is selected).</summary>
    IceConnected,
    /// <summary>The DTLS handshake completed, SRTP keys in place (RFC 5764 §4).</summary>
    DtlsConnected,
}

/// <summary>Allocates a call's media; throws <see cref="MediaUnavailableException"/> when no port is free.</summary>
internal interface ICallMediaFactory
{
    ICallMedia Create();

    /// <summary>Media anchored between two SIP peers (<see cref="ICallRelayMedia"/>); throws <see cref="MediaUnavailableException"/> when no port is free.</summary>
    ICallRelayMedia CreateRelay() => throw new NotImplementedException("this media factory has no RTP relays");
}
