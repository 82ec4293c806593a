using System.Net;
using Gateway.Sdp;
using Gateway.Sdp.Translation;
using Gateway.Server.Signaling;

namespace Gateway.Server.Calls;

/// <summary>What an originated call rings once the number answers.</summary>
internal enum OriginateTarget
{
    /// <summary>The web user's free signaling sessions (OriginatedCall.Bridge.cs).</summary>
    WebUser,
    /// <summary>Every registered SIP phone of a directory user (its registrar bindings, <see cref="SipDeviceSession"/>).</summary>
    Phones,
    /// <summary>A built-in application on the answered leg (OriginatedCall.App.cs).</summary>
    App,
}

/// <summary>
/// An originated call bridged to a directory user's registered phones (POST /api/v1/calls with <c>phone</c>): the media
/// is an RTP relay anchored in the gateway (<see cref="RelayCallMedia"/>: its SIP leg the number, its phone leg the phone). Once the
/// number answers, every SIP binding of the user is INVITEd (forked, RFC 3261 §16.7 as a B2BUA) with the gateway's own
/// offer on the relay's phone leg: the one codec the number's answer picked, with its payload type, and telephone-event
/// (RFC 4733) when kept, so the relay passes RTP unchanged; the first 2xx wins (-> Active, reported as bridged), the
/// other phones are CANCELled with Reason "Call completed elsewhere" (RFC 3326) and a late 2xx gets ACK + BYE.
/// The number's re-INVITEs and holds reach leg A through the usual SipBridgedCall paths; a phone's BYE ends the call.
/// </summary>
internal sealed partial class OriginatedCall
{
    private readonly OriginateTarget _target;
    /// <summary>The gateway's offer to the phones (their answers are read against it).</summary>
    private SessionDescription? _phoneOffer;
    /// <summary>The number's side as its answer fixed it: codec, telephone-event payload type.</summary>
    private AnsweredAudio? _numberAudio;

    /// <summary>Ringing -> Offering: leg A toward the number's RTP, then an INVITE to each of the user's registered phones.</summary>
    private void RingPhones(SessionDescription numberOffer, SessionDescription numberAnswer)
    {
        if (Media is not ICallRelayMedia relay) { Fail(500, "Server Internal Error (no RTP relay)"); return; }
        if (!OriginateAnswer.TryRead(numberOffer, numberAnswer, out var audio, out var failure) || !IPAddress.TryParse(audio!.RemoteRtpAddress, out var address))
        {
            var reason = failure?.Reason ?? "c= is not an IP address";
            End(new CallEnd(488, "Not Acceptable Here (" + reason + ")", "failed") { ByeReason = (488, reason) });
            return;
        }
        _numberAudio = audio;
        SipRemote = new IPEndPoint(address, audio.RemoteRtpPort);
        SipMapping = Mapping(audio.Leg, audio.Leg);
        relay.ConfigureSip(SipRemote, SipMapping);
        var policy = _policy with { SipCodecs = [audio.Leg.Codec], TelephoneEventPayloadType = audio.Leg.TelephoneEventPayloadType };
        if (!OriginateOffer.TryCreate(relay.PhoneEndpoint, policy, out var offer, out failure))
        {
            End(new CallEnd(failure!.StatusCode, failure.Reason, "failed") { ByeReason = (failure.StatusCode, failure.Reason) });
            return;
        }
        _phoneOffer = offer;
        var phones = _sessions.OfType<SipDeviceSession>().ToList();
        MoveTo(CallState.Offering, CallState.Calling, CallState.Ringing, CallState.EarlyMedia);
        foreach (var phone in phones)
        {
            _offered[phone.SessionId] = phone;
            Services.Registry.TryAddWeb(phone.SessionId, Id, this);
            phone.Ring(this, Id, From, offer!);
        }
        PhoneLog.PhonesRung(Logger, Id, To, phones.Count, audio.Leg.Codec.Encoding);
        _noAnswerGeneration = 1;
        StartTimer(CallTimer.NoAnswer, Services.Options.NoAnswerTimeout, _noAnswerGeneration);
    }

    /// <summary>Offering -> Active: the first phone's 2xx (its answer to our offer, RFC 3264 §6.1) points leg B at it.</summary>
    private void OnPhoneAnswer(IWebSession session, AnswerIncoming message)
    {
        var relay = (ICallRelayMedia)Media!;
        var numberLeg = _numberAudio!.Leg;
        string? reason = null;
        AnsweredAudio? phone = null;
        IPAddress? address = null;
        if (!SessionDescription.TryParse(message.Sdp, out var answer, out var error)) reason = "the answer does not parse: " + error;
        else if (!OriginateAnswer.TryRead(_phoneOffer!, answer!, out phone, out var failure)) reason = failure!.Reason;
        else if (!IPAddress.TryParse(phone!.RemoteRtpAddress, out address)) reason = "c= is not an IP address";
        if (reason is not null || phone is null || address is null)
        {
            reason ??= "no answer";
            PhoneLog.PhoneAnswerRefused(Logger, Id, session.SessionId, reason);
            session.SendError(message.Id, "bad_request", reason); // the phone's dialog ends: BYE
            OnDecline(session, 488, notify: false);
            return;
        }
        Web = session;
        _offered.Remove(session.SessionId);
        RingOff(487, WebUserCall.AnsweredElsewhere);
        // The relay passes RTP unchanged: the phone answers with our payload types (RFC 3264 §6.1 SHOULD); one that
        // renumbers them is logged (its RTP would reach the number with the phone's numbers).
        if (phone.Leg.Codec.PayloadType != numberLeg.Codec.PayloadType
            || (numberLeg.TelephoneEventPayloadType is { } te && phone.Leg.TelephoneEventPayloadType is { } phoneTe && te != phoneTe))
            PhoneLog.PayloadTypesRenumbered(Logger, Id, session.SessionId);
        relay.ConfigurePhone(new IPEndPoint(address, phone.RemoteRtpPort));
        MoveTo(CallState.Active, CallState.Offering);
        Services.Metrics.ObserveSetup(Since(ReceivedTimestamp));
        Report(OriginateProgress.Bridged);
    }

    private static partial class PhoneLog
    {
        [LoggerMessage(8400, LogLevel.Information, "Call {CallId}: the number answered ({Codec}), {Count} registered phone(s) of {User} rung")]
        public static partial void PhonesRung(ILogger logger, string callId, string user, int count, string codec);

        [LoggerMessage(8401, LogLevel.Warning, "Call {CallId}: the answer of phone {Session} is refused: {Reason}")]
        public static partial void PhoneAnswerRefused(ILogger logger, string callId, string session, string reason);

        [LoggerMessage(8402, LogLevel.Warning, "Call {CallId}: phone {Session} answered with other payload type numbers than offered; RTP is relayed unchanged")]
        public static partial void PayloadTypesRenumbered(ILogger logger, string callId, string session);
    }
}
