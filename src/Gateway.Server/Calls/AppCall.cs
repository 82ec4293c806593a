using System.Text;
using Gateway.Dialplan;
using Gateway.Media.Bridge;
using Gateway.Sdp;
using Gateway.Sdp.Translation;
using Gateway.Server.Signaling;

namespace Gateway.Server.Calls;

/// <summary>
/// A built-in application answering the browser itself: <c>echo</c> (its audio back), <c>playback &lt;file&gt;</c>
/// (a WAV file, looped) or <c>conference &lt;room&gt;</c> (<see cref="CallApp"/>). The browser's answer comes from the
/// SDP layer: its offer is translated to a SIP offer restricted to Opus and G.711, a matching SIP answer is synthesized (Opus first), and translated back to a JSEP answer.
/// </summary>
internal sealed class AppCall : GatewayCall
{
    /// <summary>Opus when the browser offers it (echo loops its packets back, playback encodes the prompt), else G.711.</summary>
    private static readonly SdpTranslationPolicy AppCodecs = SdpTranslationPolicy.Default with
    {
        SipCodecs = [new SdpRtpMap(0, "PCMU", 8000), new SdpRtpMap(8, "PCMA", 8000)],
        AllowOpus = true,
        TelephoneEventPayloadType = null,
    };

    private readonly SessionDescription _browserOffer;
    private readonly string _app;
    private readonly PromptCache _prompts;
    private readonly CompiledDialplan _plan;
    private ConferenceSeat? _seat;

    public AppCall(CallServices services, IWebSession session, PlaceCall message, SessionDescription browserOffer, RouteDecision decision,
        CompiledDialplan plan, PromptCache prompts, string caller, long receivedTimestamp)
        : base(services, message.Id, "app", caller, decision.Normalized, receivedTimestamp)
    {
        Web = session;
        Route = decision.Route;
        RouteRecord = decision.Record;
        _browserOffer = browserOffer;
        _app = decision.Target?.Trim() ?? "";
        _prompts = prompts;
        _plan = plan;
    }

    /// <summary>Routing -> Active: answer the browser and start the application.</summary>
    public void Start() => Post(new StartCall());

    protected override void Handle(CallEvent e)
    {
        if (e is StartCall) OnStart();
        else if (e is ConferenceDigit digit && State == CallState.Active) _seat?.OnDigit(digit.Digit);
        else base.Handle(e);
    }

    private void OnStart()
    {
        if (State != CallState.Routing) return;
        ReadOnlyMemory<short> prompt = default;
        if (CallApp.Parse(_app) is not { } app)
        {
            End(new CallEnd(501, $"Not Implemented (no application '{_app}')", "failed"));
            return;
        }
        if (app.Kind == CallAppKind.Playback)
        {
            if (app.LoadPrompt(_prompts, _plan) is not { } samples)
            {
                End(new CallEnd(404, "Not Found (prompt file missing or unreadable)", "failed"));
                return;
            }
            prompt = samples;
        }
        if (CreateMedia() is not { } media)
        {
            End(new CallEnd(503, "Service Unavailable (no media port)", "failed"));
            return;
        }
        if (!JsepToSipTranslator.TryCreateSipOffer(_browserOffer, media.SipEndpoint, AppCodecs, out var sipOffer, out var browser, out var failure)
            || !SessionDescription.TryParse(SynthesizeAnswer(sipOffer!, media.SipEndpoint), out var sipAnswer, out _)
            || !SipToJsepTranslator.TryCreateBrowserAnswer(browser!, sipAnswer!, media.WebEndpoint, out var answer, out failure))
        {
            End(new CallEnd(failure?.StatusCode ?? 488, failure?.Reason ?? "Not Acceptable Here", "failed"));
            return;
        }
        media.ConfigureWeb(answer!.RemoteIceUfrag ?? "", answer.RemoteIcePwd ?? "", answer.RemoteFingerprint ?? "", answer.GatewayIsDtlsServer);
        if (app.Start(media, answer.BrowserLeg, MediaAppLeg.Web, prompt, digit => Post(new ConferenceDigit(digit))) is { } refused)
        {
            End(refused);
            return;
        }
        if (app.Kind == CallAppKind.Conference) _seat = new ConferenceSeat(media);
        MoveTo(CallState.Active, CallState.Routing);
        SendTyped(Web!, "answer", Id, answer.Sdp.ToString());
        Services.Metrics.ObserveSetup(Since(ReceivedTimestamp));
    }

    /// <summary>The answer an Opus/G.711 endpoint would give (RFC 3264 §6.1): Opus if offered, else the first codec, sendrecv.</summary>
    private static string SynthesizeAnswer(SessionDescription sipOffer, RtpEndpoint local)
    {
        var audio = sipOffer.Media.First(m => m.Media == "audio");
        var codecs = audio.RtpMaps.Where(m => !m.Encoding.Equals("telephone-event", StringComparison.OrdinalIgnoreCase)).ToList();
        var codec = codecs.FirstOrDefault(JsepToSipTranslator.IsOpus) ?? codecs[0];
        var c = SdpConnection.ForAddress(local.Address);
        return new StringBuilder()
            .Append("v=0\r\no=app 1 1 IN ").Append(c.AddressType).Append(' ').Append(local.Address).Append("\r\ns=-\r\n")
            .Append("c=").Append(c).Append("\r\nt=0 0\r\n")
            .Append("m=audio ").Append(local.Port).Append(" RTP/AVP ").Append(codec.PayloadType).Append("\r\n")
            .Append("a=rtpmap:").Append(codec).Append("\r\na=sendrecv\r\n").ToString();
    }

    protected override void HandleClientMessage(IWebSession session, ClientCallMessage message)
    {
        switch (message)
        {
            case Hangup:
                End(new CallEnd(200, "Normal", "answered"));
                break;
            case SendDtmf dtmf:
                foreach (var digit in dtmf.Digits) _seat?.OnDigit(digit); // *6 toggles a conference participant's mute; other apps take none
                break;
            case SetMute mute when _seat is not null:
                _seat.Muted = mute.Mute;
                break;
            default:
                session.SendError(message.Id, "bad_request", "not supported by the built-in application");
                break;
        }
    }

    protected override void HandleSessionEnded(IWebSession session) => End(new CallEnd(200, "Normal", "answered") { Web = WebNotice.None });
}
