using Gateway.Media.Conference;

namespace Gateway.Media.Bridge;

/// <summary>
/// An application's way out on one leg: its SSRC, whether it can send yet, and the send itself (SRTP toward a browser,
/// RTP or SDES-SRTP toward a SIP caller). Playback and the conference mixer write through it; one sending thread.
/// </summary>
internal abstract class AppLegOutput(Action<int> onSent) : IConferenceOutput
{
    public abstract uint Ssrc { get; }
    public abstract bool IsReady { get; }
    protected abstract bool SendRtp(byte[] buffer, int length);

    public bool Send(byte[] buffer, int length)
    {
        if (!SendRtp(buffer, length)) return false;
        onSent(length);
        return true;
    }

    public static AppLegOutput For(MediaSession session, MediaAppLeg leg, Action<int> onSent) =>
        leg == MediaAppLeg.Web ? new WebAppOutput(session.Web, onSent) : new SipAppOutput(session.Sip, onSent);
}

/// <summary>Toward the browser: once ICE and DTLS are up.</summary>
internal sealed class WebAppOutput(WebRtcLeg leg, Action<int> onSent) : AppLegOutput(onSent)
{
    public override uint Ssrc => leg.LocalSsrc;
    public override bool IsReady => leg.IsConnected;
    protected override bool SendRtp(byte[] buffer, int length) => leg.SendRtp(buffer, length);
}

/// <summary>Toward a SIP caller: once its RTP address is known.</summary>
internal sealed class SipAppOutput(RtpLeg leg, Action<int> onSent) : AppLegOutput(onSent)
{
    public override uint Ssrc => leg.LocalSsrc;
    public override bool IsReady => leg.IsConfigured;
    protected override bool SendRtp(byte[] buffer, int length) => leg.Send(buffer, length);
}
