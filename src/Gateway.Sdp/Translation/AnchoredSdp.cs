namespace Gateway.Sdp.Translation;

/// <summary>
/// Media anchored in the gateway between two plain-RTP SIP peers (a registered phone and a trunk): each side's offer or
/// answer goes to the other side with the gateway's address and port for its audio stream, so the RTP flows through the
/// gateway's relay (RFC 3264 §5, §6: the c= and m= of a description name where its sender receives). Codecs, payload
/// types, telephone-event (RFC 4733) and the direction pass unchanged: the relay forwards packets as they are.
/// Removed: the sender's own transport details (a=rtcp with its port, RFC 3605; a=rtcp-mux, RFC 5761: the relay keeps
/// RTCP on port + 1; ICE lines) and any c= of the media level. Streams other than the first audio one are disabled (port 0).
/// </summary>
public static class AnchoredSdp
{
    /// <summary>A copy of <paramref name="sdp"/> (the phone's offer, or the trunk's answer) naming <paramref name="local"/>;
    /// false with a 488 when its first audio stream is missing, rejected, not RTP/AVP (SRTP is not anchored) or has no address.</summary>
    public static bool TryAnchor(SessionDescription sdp, RtpEndpoint local, out SessionDescription? anchored, out SdpNegotiationFailure? failure)
    {
        ArgumentNullException.ThrowIfNull(sdp);
        ArgumentNullException.ThrowIfNull(local);
        anchored = null;
        failure = null;
        var audio = sdp.Media.FirstOrDefault(m => m.Media == "audio");
        if (audio is null || audio.IsRejected)
        {
            failure = new SdpNegotiationFailure(488, "no audio stream");
            return false;
        }
        if (!audio.Protocol.Equals(SdesNegotiation.PlainProfile, StringComparison.Ordinal))
        {
            failure = new SdpNegotiationFailure(488, "only RTP/AVP audio is anchored between SIP peers, not " + audio.Protocol);
            return false;
        }
        if (sdp.ConnectionFor(audio) is null)
        {
            failure = new SdpNegotiationFailure(488, "the audio stream has no c= address");
            return false;
        }
        if (!SessionDescription.TryParse(sdp.ToString(), out var copy, out var error))
        {
            failure = new SdpNegotiationFailure(488, "the description does not parse: " + error);
            return false;
        }
        var hold = sdp.ConnectionFor(audio)!.IsHoldAddress; // RFC 3264 §8.4 (old style): c=0.0.0.0 stays a hold
        var connection = SdpConnection.ForAddress(hold ? sdp.ConnectionFor(audio)!.Address : local.Address);
        // o=<username> <sess-id> <sess-version> IN IP4 <address> (RFC 8866 §5.2): the gateway's address.
        var origin = copy!.Lines.FindIndex(l => l.Type == 'o');
        if (origin >= 0 && copy.Lines[origin].Value.Split(' ') is { Length: 6 } fields)
        {
            fields[4] = connection.AddressType;
            fields[5] = local.Address;
            copy.Lines[origin] = new SdpLine('o', string.Join(' ', fields));
        }
        // One c= at the session level (RFC 8866 §5: after s=, i=, u=, e=, p=, before b= and t=), none per stream.
        var sessionConnection = copy.Lines.FindIndex(l => l.Type == 'c');
        if (sessionConnection >= 0) copy.Lines[sessionConnection] = new SdpLine('c', connection.ToString());
        else
        {
            var before = copy.Lines.FindIndex(l => l.Type is 'b' or 't' or 'r' or 'z' or 'k' or 'a');
            copy.Lines.Insert(before < 0 ? copy.Lines.Count : before, new SdpLine('c', connection.ToString()));
        }
        copy.Lines.RemoveAll(IsTransportDetail);
        var first = true;
        foreach (var media in copy.Media)
        {
            media.Lines.RemoveAll(l => l.Type == 'c' || IsTransportDetail(l));
            if (first && media.Media == "audio")
            {
                first = false;
                media.Port = local.Port;
                media.NumberOfPorts = null;
            }
            else media.Port = 0;
        }
        anchored = copy;
        return true;
    }

    private static bool IsTransportDetail(SdpLine line) => line.Type == 'a' && line.AttributeName is "rtcp" or "rtcp-mux" or "candidate"
        or "ice-ufrag" or "ice-pwd" or "ice-options" or "ice-lite" or "end-of-candidates" or "remote-candidates";
}
