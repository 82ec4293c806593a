using System.Net;
using Gateway.Media.Bridge;
using Gateway.Media.Conference;
using Gateway.Media.Ice;
using Gateway.Media.Recording;
using Gateway.Sdp.Translation;

namespace Gateway.Server.Calls;

/// <summary>The production <see cref="ICallMedia"/>: one <see cref="MediaSession"/> of the process's media engine.</summary>
internal sealed class MediaSessionCallMedia : ICallMedia
{
    private readonly MediaSession _session;
    private readonly MediaRecorder? _recorder;

    public MediaSessionCallMedia(MediaSession session, MediaRecorder? recorder = null)
    {
        _session = session;
        _recorder = recorder;
        WebEndpoint = new WebRtcEndpoint(Host(session.WebEndPoint.Address), session.WebEndPoint.Port,
            session.LocalIce.Ufrag, session.LocalIce.Password, session.FingerprintAlgorithm, session.Fingerprint);
        SipEndpoint = new RtpEndpoint(Host(session.SipEndPoint.Address), session.SipEndPoint.Port);
        session.Ended += (_, reason) => Ended?.Invoke(reason);
        session.DtmfFromWeb += (_, digit, duration) => DtmfFromWeb?.Invoke(digit, duration);
        session.WebIce.SelectedRemoteChanged += (_, previous, _) => { if (previous is null) Milestone?.Invoke(MediaMilestone.IceConnected); };
        session.Connected += _ => Milestone?.Invoke(MediaMilestone.DtlsConnected);
    }

    public WebRtcEndpoint WebEndpoint { get; }
    public RtpEndpoint SipEndpoint { get; }
    public event Action<MediaEndReason>? Ended;
    public event Action<char, int>? DtmfFromWeb;
    public event Action<MediaMilestone>? Milestone;
    public MediaSessionStats Stats => _session.Stats;

    public void ConfigureWeb(string iceUfrag, string icePwd, string fingerprint, bool gatewayIsDtlsServer)
    {
        // a=fingerprint:<hash-func> <fingerprint> (RFC 8122 §5)
        var space = fingerprint.IndexOf(' ');
        var algorithm = space < 0 ? "sha-256" : fingerprint[..space];
        var value = space < 0 ? fingerprint : fingerprint[(space + 1)..].Trim();
        _session.ConfigureWeb(new IceCredentials(iceUfrag, icePwd), algorithm, value, gatewayIsDtlsServer);
    }

    public void ConfigureSip(IPEndPoint remote, MediaCodecMapping codecs) => _session.ConfigureSip(remote, codecs);
    public void SetForwarding(bool toWeb, bool toSip) => _session.SetForwarding(toWeb, toSip);
    public void StartEcho(int payloadType, int clockRate, MediaAppLeg leg) => _session.StartEcho(payloadType, clockRate, leg);
    public void StartPlayback(ReadOnlyMemory<short> samples8k, int payloadType, int clockRate, MediaAppLeg leg) => _session.StartPlayback(samples8k, payloadType, clockRate, leg);
    public void ConfigureSipApp(IPEndPoint remote, int clockRate) => _session.ConfigureSipApp(remote, clockRate);
    public ConferenceError JoinConference(string room, ConferenceCodec codec, MediaAppLeg leg, Action<char> onDigit) => _session.JoinConference(room, codec, leg, onDigit);
    public bool ConferenceMuted
    {
        get => _session.ConferenceMuted;
        set => _session.ConferenceMuted = value;
    }
    public void SendDtmfToSip(string digits, int durationMs) => _session.SendDtmfToSip(digits, durationMs);
    public ValueTask DisposeAsync() => _session.DisposeAsync();

    public string? StartRecording(string fileName, int sampleRate)
    {
        if (_recorder?.Start(fileName, sampleRate) is not { } recording) return null;
        _session.StartRecording(recording);
        return recording.Path;
    }

    private static string Host(IPAddress address) => (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
}

/// <summary>Creates call media from the process-wide <see cref="MediaEngine"/> (a DI singleton: the container owns and disposes it).</summary>
internal sealed class MediaEngineCallMediaFactory(IServiceProvider services) : ICallMediaFactory
{
    public MediaEngine Engine => services.GetRequiredService<MediaEngine>();

    public ICallMedia Create() => new MediaSessionCallMedia(Engine.CreateSession(), services.GetService<MediaRecorder>());

    public ICallRelayMedia CreateRelay() => new RelayCallMedia(Engine.CreateRelay());
}
