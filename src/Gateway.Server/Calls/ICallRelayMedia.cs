using System.Net;
using Gateway.Sdp.Translation;

namespace Gateway.Server.Calls;

/// <summary>
/// A call's media anchored between two SIP peers (a registered phone and a trunk): <see cref="ICallMedia"/>'s SIP leg is
/// the trunk's (so the mid-call SIP machinery, re-INVITEs to a new address and hold, works on it as on any call), plus the
/// phone's leg. No web leg: the web-only members are not supported. The production one is <see cref="RelayCallMedia"/>.
/// </summary>
internal interface ICallRelayMedia : ICallMedia
{
    /// <summary>The gateway's RTP address toward the phone (c=/m= of the SDP the phone gets).</summary>
    RtpEndpoint PhoneEndpoint { get; }

    /// <summary>The phone's RTP address from its SDP (again on its re-INVITE); the relay latches to where its RTP comes from.</summary>
    void ConfigurePhone(IPEndPoint remote);
}
