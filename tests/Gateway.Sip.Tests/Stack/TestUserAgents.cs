using System.Net;
using System.Text;
using Gateway.Sip.Dialogs;
using Gateway.Sip.Messages;
using Gateway.Sip.Stack;
using Gateway.Sip.Transport;

namespace Gateway.Sip.Tests.Stack;

/// <summary>A minimal UAS on a <see cref="SipStack"/>: rings, answers with SDP, takes ACK and BYE, answers OPTIONS.</summary>
public sealed class TestUas
{
    private const string Sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
    private readonly SipStack _stack;
    private readonly ISipTransport _transport;
    private int _acks, _byes, _invites;

    public TestUas(SipStack stack, ISipTransport transport)
    {
        _stack = stack;
        _transport = transport;
        stack.RequestReceived += OnRequest;
    }

    public int Invites => Volatile.Read(ref _invites);
    public int Acks => Volatile.Read(ref _acks);
    public int Byes => Volatile.Read(ref _byes);
    public TaskCompletionSource CallEnded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void OnRequest(IncomingRequest incoming)
    {
        switch (incoming.Request.Method)
        {
            case SipMethods.Invite:
                Interlocked.Increment(ref _invites);
                var tag = SipStack.NewToken(4);
                incoming.Respond(180, toTag: tag);
                var ok = SipResponse.CreateFor(incoming.Request, 200, toTag: tag);
                ok.AddHeader("Contact", $"<sip:uas@{_transport.LocalEndPoint};transport={_transport.Protocol.ToString().ToLowerInvariant()}>");
                ok.AddHeader("Content-Type", "application/sdp");
                ok.Body = Encoding.ASCII.GetBytes(Sdp);
                incoming.Respond(ok);
                break;
            case SipMethods.Ack:
                Interlocked.Increment(ref _acks);
                break;
            case SipMethods.Bye:
                Interlocked.Increment(ref _byes);
                incoming.Respond(200);
                CallEnded.TrySetResult();
                break;
            default:
                incoming.Respond(200);
                break;
        }
    }
}

/// <summary>A minimal UAC: INVITE, ACK for the 2xx through the dialog, then BYE.</summary>
public static class TestUac
{
    private const string Sdp = "v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6002 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

    public static SipRequest CreateInvite(ISipTransport transport, IPEndPoint destination, string user = "service")
    {
        var host = destination.ToString();
        var transportParam = transport.Protocol == SipTransportProtocol.Udp ? "" : ";transport=" + transport.Protocol.ToString().ToLowerInvariant();
        var invite = SipRequest.Create(SipMethods.Invite, SipUri.Parse($"sip:{user}@{host}{transportParam}"));
        invite.AddHeader("Via", SipStack.CreateVia(transport, out _));
        invite.AddHeader("Max-Forwards", "70");
        invite.AddHeader("From", $"<sip:uac@{transport.LocalEndPoint}>;tag={SipStack.NewToken(4)}");
        invite.AddHeader("To", $"<sip:{user}@{host}>");
        invite.AddHeader("Call-ID", SipStack.NewToken() + "@127.0.0.1");
        invite.AddHeader("CSeq", "1 INVITE");
        invite.AddHeader("Contact", $"<sip:uac@{transport.LocalEndPoint}{transportParam}>");
        invite.AddHeader("Content-Type", "application/sdp");
        invite.Body = Encoding.ASCII.GetBytes(Sdp);
        return invite;
    }

    /// <summary>Places a call, acknowledges the answer, hangs up; returns the final responses to INVITE and BYE.</summary>
    public static async Task<(int Invite, int Bye, int Provisionals)> CallAsync(SipStack stack, SipEndPoint destination, TimeSpan hold)
    {
        var transport = stack.TransportFor(destination.Protocol, destination.Address.AddressFamily);
        var invite = CreateInvite(transport, destination.Address);
        var provisionals = 0;
        var tx = stack.SendInvite(invite, destination, _ => Interlocked.Increment(ref provisionals));
        var final = await tx.FinalResponse;
        if (!final.IsSuccess) return (final.StatusCode, 0, provisionals);

        Assert.True(SipDialog.TryCreateAsUac(invite, final, out var dialog));
        var ack = dialog!.CreateAck(1);
        ack.PrependHeader("Via", SipStack.CreateVia(transport, out _));
        await stack.SendStatelessAsync(ack, destination);
        await Task.Delay(hold);

        var bye = dialog.CreateRequest(SipMethods.Bye);
        bye.PrependHeader("Via", SipStack.CreateVia(transport, out _));
        var byeFinal = await stack.SendRequestAsync(bye, destination);
        return (final.StatusCode, byeFinal.StatusCode, provisionals);
    }
}
