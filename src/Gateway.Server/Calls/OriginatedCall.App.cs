using System.Net;
using Gateway.Media.Bridge;
using Gateway.Sdp;
using Gateway.Sdp.Translation;

namespace Gateway.Server.Calls;

/// <summary>The application an originated call hands its answered leg to, with its playback prompt (read before dialing).</summary>
internal sealed record OriginatedApp(CallApp App, ReadOnlyMemory<short> Prompt);

/// <summary>
/// An originated call served by an application (POST /api/v1/calls with <c>app</c>): the offer carries only the
/// trunk's codecs the application takes; once the dialed party answers, the application runs on that SIP leg with
/// plain RTP (as for a SIP caller routed to it, <see cref="SipAppCall"/>) -> Active, reported as bridged.
/// </summary>
internal sealed partial class OriginatedCall
{
    private readonly OriginatedApp? _app;
    private ConferenceSeat? _seat;

    /// <summary>The trunk's policy restricted to the application's codecs (all of them when it has none of them: the offer fails then).</summary>
    private SdpTranslationPolicy AppPolicy(SdpTranslationPolicy policy) =>
        _app is null ? policy : policy with { SipCodecs = [.. policy.SipCodecs.Where(c => _app.App.SipCodecs.Any(c.SameCodec))] };

    /// <summary>Answered -> Active: the codec the answer picked (RFC 3264 §7), the application started on the SIP leg.</summary>
    private void StartApp(SessionDescription offer, SessionDescription answer)
    {
        if (!OriginateAnswer.TryRead(offer, answer, out var audio, out var failure) || !IPAddress.TryParse(audio!.RemoteRtpAddress, out var address))
        {
            var reason = failure?.Reason ?? "c= is not an IP address";
            End(new CallEnd(488, "Not Acceptable Here (" + reason + ")", "failed") { ByeReason = (488, reason) });
            return;
        }
        var media = Media!;
        SipRemote = new IPEndPoint(address, audio.RemoteRtpPort);
        media.ConfigureSipApp(SipRemote, audio.Leg.Codec.ClockRate);
        if (_app!.App.Start(media, audio.Leg, MediaAppLeg.Sip, _app.Prompt, digit => Post(new ConferenceDigit(digit))) is { } refused)
        {
            End(refused with { ByeReason = (refused.Code, refused.Reason) });
            return;
        }
        if (_app.App.Kind == CallAppKind.Conference) _seat = new ConferenceSeat(media);
        MoveTo(CallState.Active, CallState.Calling, CallState.Ringing, CallState.EarlyMedia);
        Services.Metrics.ObserveSetup(Since(ReceivedTimestamp));
        Report(OriginateProgress.Bridged);
    }
}
