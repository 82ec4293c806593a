using Gateway.Sip.Messages;
using Gateway.Sip.Transactions;
using Gateway.Sip.Transport;

namespace Gateway.Sip.Stack;

/// <summary>
/// A new request handed to the transaction user, with the way to answer it: through its server transaction,
/// or (ACK for a 2xx, which has none, §17.1.1.3) not at all.
/// </summary>
public sealed class IncomingRequest
{
    private readonly InviteServerTransaction? _invite;
    private readonly NonInviteServerTransaction? _nonInvite;

    internal IncomingRequest(SipRequest request, SipEndPoint source, InviteServerTransaction? invite, NonInviteServerTransaction? nonInvite)
    {
        Request = request;
        Source = source;
        _invite = invite;
        _nonInvite = nonInvite;
    }

    public SipRequest Request { get; }
    public SipEndPoint Source { get; }
    public InviteServerTransaction? InviteTransaction => _invite;

    /// <summary>Sends a response through the server transaction (ignored for ACK).</summary>
    public void Respond(SipResponse response)
    {
        if (_invite is not null) _invite.Respond(response);
        else _nonInvite?.Respond(response);
    }

    /// <summary>Builds and sends a response with the headers of §8.2.6.2.</summary>
    public SipResponse Respond(int statusCode, string? reasonPhrase = null, string? toTag = null)
    {
        var response = SipResponse.CreateFor(Request, statusCode, reasonPhrase, toTag);
        Respond(response);
        return response;
    }
}
