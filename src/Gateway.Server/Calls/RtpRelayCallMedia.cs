using System.Net;
using Gateway.Media.Bridge;
using Gateway.Media.Conference;
using Gateway.Sdp.Translation;

namespace Gateway.Server.Calls;

/// <summary>
/// <see cref="ICallMedia"/> over an <see cref="RtpRelaySession"/>: media anchored between two SIP peers, for a call whose
/// "web" side is a registered phone (an originated call bridged to a phone). Leg A is the SIP side the call machinery
/// knows (the trunk: <see cref="SipEndpoint"/>, <see cref="ConfigureSip"/>, re-INVITEs and hold), leg B the phone
/// (<see cref="ConfigurePhone"/>); its stats are the phone leg as "web" and the trunk leg as "sip". No web leg, no
/// applications, no recording: the relay forwards RTP as it comes (RFC 3550 §7.1), so both ends must share the codec.
/// </summary>
internal sealed class RtpRelayCallMedia : IRelayCallMedia
{
    private readonly RtpRelaySession _relay;

    public RtpRelayCallMedia(RtpRelaySession relay)
    {
        _relay = relay;
        SipEndpoint = Endpoint(relay.LocalEndPoint(RtpRelayLeg.A));
        PhoneEndpoint = Endpoint(relay.LocalEndPoint(RtpRelayLeg.B));
        relay.Ended += (_, reason) => Ended?.Invoke(reason);
    }

    public WebRtcEndpoint WebEndpoint => throw new InvalidOperationException("an RTP relay has no web leg");
    public RtpEndpoint SipEndpoint { get; }
    public RtpEndpoint PhoneEndpoint { get; }

    public event Action<MediaEndReason>? Ended;
    public event Action<char, int>? DtmfFromWeb { add { } remove { } }

    public void ConfigurePhone(IPEndPoint remote, IReadOnlyList<(int Trunk, int Phone)> payloadTypes, int clockRate)
    {
        foreach (var (trunk, phone) in payloadTypes)
        {
            if (trunk == phone) continue;
            _relay.MapPayloadType(RtpRelayLeg.A, trunk, phone);
            _relay.MapPayloadType(RtpRelayLeg.B, phone, trunk);
        }
        _relay.SetClockRate(RtpRelayLeg.A, clockRate);
        _relay.SetClockRate(RtpRelayLeg.B, clockRate);
        _relay.ConfigureLeg(RtpRelayLeg.B, remote);
    }

    public void ConfigureSip(IPEndPoint remote, MediaCodecMapping codecs) => _relay.ConfigureLeg(RtpRelayLeg.A, remote);

    /// <summary>Hold (RFC 3264 §8.4): "web" is the phone, so trunk -> phone is A -> B.</summary>
    public void SetForwarding(bool toWeb, bool toSip) => _relay.SetForwarding(aToB: toWeb, bToA: toSip);

    public MediaSessionStats Stats
    {
        get
        {
            var s = _relay.Stats;
            return new MediaSessionStats(s.B.PacketsIn, s.B.BytesIn, s.B.PacketsOut, s.B.BytesOut,
                s.A.PacketsIn, s.A.BytesIn, s.A.PacketsOut, s.A.BytesOut, s.B.PacketsLost, s.A.PacketsLost, s.B.JitterMs, s.A.JitterMs);
        }
    }

    public ValueTask DisposeAsync() => _relay.DisposeAsync();

    // The phone's RFC 4733 events pass through the relay as RTP; nothing else of a media session applies.
    public void ConfigureWeb(string iceUfrag, string icePwd, string fingerprint, bool gatewayIsDtlsServer) => throw NoWebLeg();
    public void StartEcho(int payloadType, int clockRate, MediaAppLeg leg) => throw NoWebLeg();
    public void StartPlayback(ReadOnlyMemory<short> samples8k, int payloadType, int clockRate, MediaAppLeg leg) => throw NoWebLeg();
    public void ConfigureSipApp(IPEndPoint remote, int clockRate) => throw NoWebLeg();
    public ConferenceError JoinConference(string room, ConferenceCodec codec, MediaAppLeg leg, Action<char> onDigit) => throw NoWebLeg();
    public bool ConferenceMuted { get => false; set { } }
    public void SendDtmfToSip(string digits, int durationMs) { }
    public string? StartRecording(string fileName, int sampleRate) => null;

    private static NotSupportedException NoWebLeg() => new("an RTP relay between two SIP peers has no web leg and runs no application");

    private static RtpEndpoint Endpoint(IPEndPoint e) => new((e.Address.IsIPv4MappedToIPv6 ? e.Address.MapToIPv4() : e.Address).ToString(), e.Port);
}
