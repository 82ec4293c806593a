namespace Gateway.Sdp.Translation;

/// <summary>SRTP with SDES keys (RFC 4568) toward a trunk: the dialplan's <c>srtp:</c> key.</summary>
public enum SrtpMode
{
    /// <summary>Plain RTP/AVP; an offer of RTP/SAVP is refused (488), a=crypto on RTP/AVP is ignored.</summary>
    Off,
    /// <summary>Best effort, as carriers do: RTP/AVP with a=crypto; plain RTP when the answer carries none.</summary>
    Optional,
    /// <summary>RTP/SAVP with a=crypto; an answer or an offer without a usable a=crypto is refused (488).</summary>
    Required,
}
