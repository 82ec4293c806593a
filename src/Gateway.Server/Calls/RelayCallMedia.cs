using System.Net;
using Gateway.Media.Bridge;
using Gateway.Media.Conference;
using Gateway.Sdp.Translation;

namespace Gateway.Server.Calls;

/// <summary>
/// The production <see cref="ICallRelayMedia"/>: one <see cref="RtpRelaySession"/> of the media engine, leg A the phone,
/// leg B the trunk (the call's "SIP" leg). Its stats read as a session's: the web columns are the phone's leg.
/// Applications, DTMF injection and recording need a decoded leg and are not offered on a relay.
/// </summary>
internal sealed class RelayCallMedia : ICallRelayMedia
{
    private readonly RtpRelaySession _relay;

    public RelayCallMedia(RtpRelaySession relay)
    {
        _relay = relay;
        PhoneEndpoint = Endpoint(relay.LocalEndPoint(RtpRelayLeg.A));
        SipEndpoint = Endpoint(relay.LocalEndPoint(RtpRelayLeg.B));
        relay.Ended += (_, reason) => Ended?.Invoke(reason);
    }

    public RtpEndpoint PhoneEndpoint { get; }
    public RtpEndpoint SipEndpoint { get; }
    public WebRtcEndpoint WebEndpoint => throw new NotSupportedException("an RTP relay has no web leg");
    public event Action<MediaEndReason>? Ended;
    public event Action<char, int>? DtmfFromWeb { add { } remove { } }

    public void ConfigurePhone(IPEndPoint remote) => _relay.ConfigureLeg(RtpRelayLeg.A, remote);

    public void ConfigureSip(IPEndPoint remote, MediaCodecMapping codecs)
    {
        _relay.ConfigureLeg(RtpRelayLeg.B, remote, codecs.SipSrtp);
        _relay.SetClockRate(RtpRelayLeg.A, codecs.ClockRate);
        _relay.SetClockRate(RtpRelayLeg.B, codecs.ClockRate);
    }

    /// <summary>Hold on the trunk's side: toward the phone ("web") while the trunk sends, toward the trunk while it receives.</summary>
    public void SetForwarding(bool toWeb, bool toSip) => _relay.SetForwarding(aToB: toSip, bToA: toWeb);

    public MediaSessionStats Stats
    {
        get
        {
            var (a, b) = (_relay.Stats.A, _relay.Stats.B);
            return new MediaSessionStats(a.PacketsIn, a.BytesIn, a.PacketsOut, a.BytesOut, b.PacketsIn, b.BytesIn, b.PacketsOut, b.BytesOut,
                a.PacketsLost, b.PacketsLost, a.JitterMs, b.JitterMs);
        }
    }

    /// <summary>Not recorded: the relay does not decode (dialplan/README.md "Recording").</summary>
    public string? StartRecording(string fileName, int sampleRate) => null;

    public ValueTask DisposeAsync() => _relay.DisposeAsync();

    public void ConfigureWeb(string iceUfrag, string icePwd, string fingerprint, bool gatewayIsDtlsServer) => throw NoWebLeg();
    public void StartEcho(int payloadType, int clockRate, MediaAppLeg leg) => throw NoWebLeg();
    public void StartPlayback(ReadOnlyMemory<short> samples8k, int payloadType, int clockRate, MediaAppLeg leg) => throw NoWebLeg();
    public void ConfigureSipApp(IPEndPoint remote, int clockRate) => throw NoWebLeg();
    public ConferenceError JoinConference(string room, ConferenceCodec codec, MediaAppLeg leg, Action<char> onDigit) => throw NoWebLeg();
    public bool ConferenceMuted { get => false; set => throw NoWebLeg(); }
    public void SendDtmfToSip(string digits, int durationMs) => throw NoWebLeg();

    private static NotSupportedException NoWebLeg() => new("not offered on an RTP relay");

    private static RtpEndpoint Endpoint(IPEndPoint ep) => new((ep.Address.IsIPv4MappedToIPv6 ? ep.Address.MapToIPv4() : ep.Address).ToString(), ep.Port);
}
