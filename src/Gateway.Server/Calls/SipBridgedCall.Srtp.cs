using Gateway.Sdp;
using Gateway.Sdp.Crypto;
using Gateway.Sdp.Translation;
using Gateway.Server.SipHosting;

namespace Gateway.Server.Calls;

/// <summary>
/// SDES keys changed by a re-INVITE (RFC 4568 §7.1.4), either side's: the direction whose key changed gets a new SRTP
/// context in the media (the other keeps its state). Plain RTP calls are untouched.
/// </summary>
internal abstract partial class SipBridgedCall
{
    /// <summary>The peer's re-offer on an SRTP leg: false (488) when it drops SRTP; else our answering a=crypto (null for plain RTP), keys applied.</summary>
    private bool TryRekeyFromOffer(SdpMediaDescription offer, out SdpCrypto? answer, out string? failure)
    {
        answer = null;
        failure = null;
        if (SipMapping?.SipSrtp is not { } keys) return true;
        if (!SdesRekey.TryAnswerReoffer(offer, TrunkSrtp.SdpKeys(keys), out var next, out answer, out var refused))
        {
            failure = refused!.Reason;
            return false;
        }
        ApplyKeys(next!);
        return true;
    }

    /// <summary>The answer to our re-offer on an SRTP leg: false when it drops SRTP or names nothing we offered; else its keys applied.</summary>
    private bool TryRekeyFromAnswer(SessionDescription offer, SessionDescription answer, out string? failure)
    {
        failure = null;
        if (SipMapping?.SipSrtp is null) return true;
        var ours = offer.Media.FirstOrDefault(m => m.Media == "audio");
        var theirs = answer.Media.FirstOrDefault(m => m.Media == "audio");
        if (ours is null || theirs is null)
        {
            failure = "no audio in the re-INVITE answer";
            return false;
        }
        if (!SdesRekey.TryAcceptReanswer(ours, theirs, out var next, out var refused))
        {
            failure = refused!.Reason;
            return false;
        }
        ApplyKeys(next!);
        return true;
    }

    private void ApplyKeys(SdesKeys next)
    {
        if (SipMapping is not { SipSrtp: { } keys } mapping || !SdesRekey.Changes(TrunkSrtp.SdpKeys(keys), next)) return;
        SipMapping = mapping with { SipSrtp = TrunkSrtp.MediaKeys(next) };
        if (SipRemote is { } remote) Media?.ConfigureSip(remote, SipMapping);
        Log.Progress(Logger, Id, "SRTP keys changed by re-INVITE (RFC 4568 §7.1.4): new context");
    }
}
