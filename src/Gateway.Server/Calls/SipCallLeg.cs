using System.Net;
using System.Text;
using Gateway.Sdp;
using Gateway.Sip.Dialogs;
using Gateway.Sip.Messages;
using Gateway.Sip.Transactions;
using Gateway.Sip.Transport;

namespace Gateway.Server.Calls;

/// <summary>
/// The SIP side of an established (or early, for a UAS) call: its dialog, where in-dialog requests go, the
/// gateway's last SDP toward SIP, and the ACK to repeat when a 2xx is retransmitted (§13.2.2.4).
/// </summary>
internal sealed class SipCallLeg(SipDialog dialog, SipEndPoint peer, SipAddressing sip, SessionDescription localSdp)
{
    private volatile SipRequest? _lastAck;

    public SipDialog Dialog => dialog;
    public SipEndPoint Peer => peer;
    /// <summary>The gateway's current session description toward SIP (hold re-offers are derived from it).</summary>
    public SessionDescription LocalSdp { get; set; } = localSdp;
    /// <summary>CSeq of the INVITE whose 2xx we acknowledged last.</summary>
    public uint LastAckedInvite { get; private set; }

    /// <summary>A new in-dialog request with our Via, and our Contact where the method needs one.</summary>
    public SipRequest Create(string method)
    {
        var request = dialog.CreateRequest(method);
        request.PrependHeader(SipHeaderNames.Via, sip.CreateVia(peer));
        if (method is SipMethods.Invite or SipMethods.Update or SipMethods.Refer or SipMethods.Notify or SipMethods.Subscribe)
            request.AddHeader(SipHeaderNames.Contact, sip.CreateContact(peer));
        request.AddHeader(SipHeaderNames.UserAgent, CallServices.UserAgent);
        return request;
    }

    public Task<SipResponse> SendAsync(SipRequest request) => sip.Stack.SendRequestAsync(request, peer);

    /// <summary>A re-INVITE; its transaction hands each retransmitted 2xx to <see cref="OnSuccessRetransmitted"/>.</summary>
    public InviteClientTransaction SendInvite(SipRequest invite)
    {
        var tx = sip.Stack.SendInvite(invite, peer);
        tx.SuccessRetransmitted += OnSuccessRetransmitted;
        return tx;
    }

    /// <summary>ACK for a 2xx to our INVITE (a new transaction of its own, §13.2.2.4).</summary>
    public void SendAck(uint inviteCSeq)
    {
        var ack = dialog.CreateAck(inviteCSeq);
        ack.PrependHeader(SipHeaderNames.Via, sip.CreateVia(peer));
        _lastAck = ack;
        LastAckedInvite = inviteCSeq;
        _ = sip.Stack.SendStatelessAsync(ack, peer);
    }

    /// <summary>A retransmitted 2xx: the same ACK again.</summary>
    public void ResendAck()
    {
        if (_lastAck is { } ack) _ = sip.Stack.SendStatelessAsync(ack, peer);
    }

    /// <summary>
    /// A 2xx the INVITE transaction received again in Accepted (RFC 6026 §8.4), on the transport's thread: the ACK already
    /// sent for that INVITE goes again (RFC 3261 §13.2.2.4), without a trip through the call's loop. Another fork's 2xx, or
    /// one for an INVITE not acknowledged yet (the loop's ACK follows), is left alone. Reads only the immutable last ACK.
    /// </summary>
    public void OnSuccessRetransmitted(SipResponse response)
    {
        if (_lastAck is { } ack && response.CSeq?.Number == ack.CSeq?.Number && response.To?.Tag == dialog.RemoteTag)
            _ = sip.Stack.SendStatelessAsync(ack, peer);
    }

    public static void SetSdp(SipMessage message, SessionDescription sdp)
    {
        message.SetHeader(SipHeaderNames.ContentType, "application/sdp");
        message.Body = sdp.ToUtf8();
    }

    /// <summary>The SDP body of a message, or null when it has none or it does not parse.</summary>
    public static SessionDescription? ReadSdp(SipMessage message)
    {
        if (message.Body.IsEmpty) return null;
        if (message.ContentType is { } type && !type.StartsWith("application/sdp", StringComparison.OrdinalIgnoreCase)) return null;
        return SessionDescription.TryParse(message.Body.Span, out var sdp, out _) ? sdp : null;
    }

    /// <summary>The remote RTP address of the first audio stream, or null.</summary>
    public static IPEndPoint? AudioEndPoint(SessionDescription sdp)
    {
        var audio = sdp.Media.FirstOrDefault(m => m.Media == "audio" && !m.IsRejected);
        if (audio is null || sdp.ConnectionFor(audio) is not { } c || !IPAddress.TryParse(c.Address, out var address)) return null;
        return new IPEndPoint(address, audio.Port);
    }

    /// <summary>
    /// A copy of our offer keeping only the negotiated codec and telephone-event (RFC 3264 §8: later offers and answers
    /// in the session list what is in use), so answers to re-INVITEs never name a codec the peer refused.
    /// </summary>
    public static SessionDescription RestrictTo(SessionDescription offer, int payloadType, int? telephoneEvent)
    {
        if (!SessionDescription.TryParse(offer.ToString(), out var copy, out _)) return offer;
        var keep = new HashSet<string> { payloadType.ToString() };
        if (telephoneEvent is { } te) keep.Add(te.ToString());
        foreach (var media in copy!.Media.Where(m => m.Media == "audio"))
        {
            media.Formats.RemoveAll(f => !keep.Contains(f));
            media.Lines.RemoveAll(l => l.Type == 'a' && (l.Value.StartsWith("rtpmap:", StringComparison.Ordinal) || l.Value.StartsWith("fmtp:", StringComparison.Ordinal))
                && !keep.Contains(l.Value[(l.Value.IndexOf(':') + 1)..].Split(' ')[0]));
        }
        return copy;
    }

    /// <summary>RFC 3326 Reason header value for a SIP cause.</summary>
    public static string ReasonHeader(int cause, string text) =>
        $"SIP ;cause={cause} ;text=\"{text.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"";

    public static ReadOnlyMemory<byte> Ascii(string text) => Encoding.ASCII.GetBytes(text);
}
