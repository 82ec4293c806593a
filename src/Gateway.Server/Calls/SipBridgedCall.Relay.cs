using Gateway.Media.Bridge;
using Gateway.Sdp;

namespace Gateway.Server.Calls;

/// <summary>Media relayed between two SIP peers (<see cref="ICallRelayMedia"/>): the SIP leg's mapping from an answer.</summary>
internal abstract partial class SipBridgedCall
{
    /// <summary>
    /// The mapping of a relayed call from the answer's first audio stream: its first codec and telephone-event (RFC 4733
    /// §7), the same numbers both ways (the relay passes payload types as they are: each side sends with the numbers of
    /// the description it received). Null without a codec.
    /// </summary>
    internal static MediaCodecMapping? RelayMapping(SessionDescription answer)
    {
        var audio = answer.Media.FirstOrDefault(m => m.Media == "audio" && !m.IsRejected);
        var codec = audio?.RtpMaps.FirstOrDefault(m => !IsTelephoneEvent(m));
        if (audio is null || codec is null) return null;
        var events = audio.RtpMaps.FirstOrDefault(IsTelephoneEvent)?.PayloadType;
        return new MediaCodecMapping(codec.PayloadType, codec.PayloadType, codec.ClockRate, events, events);
    }

    private static bool IsTelephoneEvent(SdpRtpMap map) => map.Encoding.Equals("telephone-event", StringComparison.OrdinalIgnoreCase);
}
