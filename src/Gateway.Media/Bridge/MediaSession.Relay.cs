using Gateway.Media.Codecs;
using Gateway.Media.Rtp;
using Gateway.Media.Transcoding;

namespace Gateway.Media.Bridge;

/// <summary>
/// The hot path: web SRTP in (already unprotected by <see cref="WebRtcLeg"/>) -> rewrite -> RTP (or SDES-keyed SRTP) to the
/// trunk, and trunk RTP in (unprotected by <see cref="RtpLeg"/> when SRTP) -> rewrite -> protect -> the browser. In place on the receive loop's buffer: no allocation, no lock.
/// A transcoded call (<see cref="MediaCodecMapping.Transcoding"/>) runs a <see cref="TranscodingPath"/> each way instead,
/// writing its output into the same receive buffer (the input was copied into the path's jitter buffer).
/// </summary>
public sealed partial class MediaSession
{
    private volatile bool _forwardToWeb = true, _forwardToSip = true;
    private volatile MediaCodecMapping? _codecs;
    private volatile RelayPath? _webToSip, _sipToWeb, _echo, _sipEcho;
    private volatile TranscodingPath? _transcodeWebToSip, _transcodeSipToWeb;
    private readonly DtmfReceiver _dtmfFromWeb = new();

    private void ConfigureRelay(MediaCodecMapping codecs)
    {
        uint clock = (uint)Math.Max(1, codecs.ClockRate);
        uint step = Math.Max(1, clock / 50); // 20 ms of the codec clock
        var webToSip = _webToSip is { } w && w.TimestampStep == step ? w : new RelayPath(Sip.LocalSsrc, step);
        var sipToWeb = _sipToWeb is { } s && s.TimestampStep == step ? s : new RelayPath(Web.LocalSsrc, step);
        webToSip.ClearMap();
        sipToWeb.ClearMap();
        webToSip.Map(codecs.WebPayloadType, codecs.SipPayloadType);
        sipToWeb.Map(codecs.SipPayloadType, codecs.WebPayloadType);
        if (codecs.WebTelephoneEventPayloadType is int webTe && codecs.SipTelephoneEventPayloadType is int sipTe)
        {
            webToSip.Map(webTe, sipTe);
            sipToWeb.Map(sipTe, webTe);
        }
        Web.Counters.SetClockRate((uint)Math.Max(1, codecs.WebClockRate));
        Sip.Counters.SetClockRate(clock);
        if (codecs.Transcoding is { } mode)
        {
            // Same codecs as before (a re-INVITE to a new address): keep the codec state and numbering.
            if (_codecs is not { Transcoding: not null } previous || previous != codecs || _transcodeWebToSip is null)
            {
                var (up, down) = TranscodingPaths.Create(_engine.Opus, codecs, mode, Sip.LocalSsrc, Web.LocalSsrc);
                _transcodeWebToSip = up;
                _transcodeSipToWeb = down;
            }
        }
        else
        {
            _transcodeWebToSip = null;
            _transcodeSipToWeb = null;
        }
        _webToSip = webToSip;
        _sipToWeb = sipToWeb;
        _codecs = codecs;
    }

    internal TranscodingPath? TranscodingWebToSip => _transcodeWebToSip;
    internal TranscodingPath? TranscodingSipToWeb => _transcodeSipToWeb;

    private void ConfigureEcho(int payloadType, int clockRate, MediaAppLeg leg)
    {
        uint clock = (uint)Math.Max(1, clockRate);
        var echo = new RelayPath(leg == MediaAppLeg.Web ? Web.LocalSsrc : Sip.LocalSsrc, Math.Max(1, clock / 50));
        echo.Map(payloadType, payloadType);
        if (leg == MediaAppLeg.Web)
        {
            Web.Counters.SetClockRate(clock);
            _echo = echo;
        }
        else
        {
            Sip.Counters.SetClockRate(clock);
            _sipEcho = echo;
        }
    }

    /// <summary>An authenticated, decrypted RTP packet from the browser in <paramref name="buffer"/>[..<paramref name="length"/>].</summary>
    internal void OnWebRtp(Span<byte> buffer, int length)
    {
        var packet = buffer[..length];
        var codecs = _codecs;
        if (codecs?.WebTelephoneEventPayloadType is int te && (packet[1] & 0x7F) == te) DetectDtmf(packet, codecs.WebClockRate);

        if (_participant is { } participant && _participantLeg == MediaAppLeg.Web)
        {
            participant.Push(packet); // conference: decoded into the room's mix (the mixer sends the browser its own)
            return;
        }
        if (_echo is { } echo)
        {
            // Echo (extension 600): the same packet back under our SSRC, protected with the outbound context.
            if (echo.Rewrite(packet) && Web.SendRtp(buffer, length)) _engine.CountRelayed(length);
            return;
        }
        if (!_forwardToSip || !Sip.IsConfigured) return;
        if (_transcodeWebToSip is { } transcode)
        {
            if (!transcode.Push(packet)) { Web.Counters.Dropped++; return; }
            for (int n; (n = transcode.Produce(buffer)) > 0;)
            {
                _recording?.Capture(Recording.RecordingChannel.Web, buffer[..n]); // already in the SIP side's codec
                if (Sip.Send(buffer, n)) _engine.CountRelayed(n);
            }
            return;
        }
        var path = _webToSip;
        if (path is null || !path.Rewrite(packet)) { Web.Counters.Dropped++; return; }
        _recording?.Capture(Recording.RecordingChannel.Web, packet);
        if (Sip.Send(buffer, length)) _engine.CountRelayed(length);
    }

    /// <summary>A plain RTP packet from the trunk in <paramref name="buffer"/>[..<paramref name="length"/>]; the buffer has room for the SRTP tag.</summary>
    internal void OnSipRtp(Span<byte> buffer, int length)
    {
        if (_participant is { } participant && _participantLeg == MediaAppLeg.Sip)
        {
            participant.Push(buffer[..length]); // a SIP caller in a conference
            return;
        }
        if (_sipEcho is { } echo)
        {
            if (echo.Rewrite(buffer[..length]) && Sip.Send(buffer, length)) _engine.CountRelayed(length);
            return;
        }
        _recording?.Capture(Recording.RecordingChannel.Sip, buffer[..length]);
        if (!_forwardToWeb) return;
        if (_transcodeSipToWeb is { } transcode)
        {
            if (!transcode.Push(buffer[..length])) { Sip.Counters.Dropped++; return; }
            for (int n; (n = transcode.Produce(buffer)) > 0;)
                if (Web.SendRtp(buffer, n)) _engine.CountRelayed(n);
            return;
        }
        var path = _sipToWeb;
        if (path is null || !path.Rewrite(buffer[..length])) { Sip.Counters.Dropped++; return; }
        if (Web.SendRtp(buffer, length)) _engine.CountRelayed(length);
    }

    private void DetectDtmf(ReadOnlySpan<byte> packet, int clockRate)
    {
        if (RtpHeader.TryParse(packet, out var header, out _) != RtpError.None) return;
        if (_dtmfFromWeb.OnPacket(header.Timestamp, header.Payload, out var ev) != DtmfReceiveResult.Ended) return;
        char digit = TelephoneEvent.ToDigit(ev.Event);
        if (digit == '?') return;
        int durationMs = clockRate > 0 ? ev.Duration * 1000 / clockRate : 0;
        try { DtmfFromWeb?.Invoke(this, digit, durationMs); }
        catch (Exception e) { Log.HandlerFailed(_logger, nameof(DtmfFromWeb), e); }
    }
}
