using Gateway.Dialplan;
using Gateway.Media.Srtp;
using Gateway.Sdp.Crypto;
using Gateway.Sdp.Translation;

namespace Gateway.Server.SipHosting;

/// <summary>Carries a trunk's <c>srtp:</c> setting into the SDP policy, and the SDES keys the SDP layer negotiated into the media plane.</summary>
internal static class TrunkSrtp
{
    public static SrtpMode ModeOf(TrunkDefinition trunk) => trunk.Srtp switch
    {
        TrunkSrtpMode.Optional => SrtpMode.Optional,
        TrunkSrtpMode.Required => SrtpMode.Required,
        _ => SrtpMode.Off,
    };

    /// <summary>The media plane's keys for the SIP leg: ours to send with, the peer's to receive with (RFC 4568 §6.1).</summary>
    public static SdesSrtpKeys? MediaKeys(SdesKeys? keys) => keys is null ? null : new SdesSrtpKeys(
        keys.Suite == SdpCryptoSuite.AesCm128HmacSha1_32 ? SrtpProfile.AesCm128HmacSha1_32 : SrtpProfile.AesCm128HmacSha1_80,
        keys.LocalKeySalt, keys.RemoteKeySalt);

    /// <summary>The SDP layer's view of the keys in use (for comparing a re-INVITE's keys with them).</summary>
    public static SdesKeys SdpKeys(SdesSrtpKeys keys) => new(
        keys.Profile == SrtpProfile.AesCm128HmacSha1_32 ? SdpCryptoSuite.AesCm128HmacSha1_32 : SdpCryptoSuite.AesCm128HmacSha1_80,
        keys.SendKeySalt, keys.ReceiveKeySalt);
}
