using Gateway.Dialplan;
using Gateway.Sip.Messages;
using Gateway.Sip.Stack;

namespace Gateway.Server.Calls;

/// <summary>Asks a trunk whose circuit is open whether it is back, with OPTIONS (RFC 3261 §11): any answer but a timeout or 503 is alive.</summary>
internal sealed class SipTrunkProber(SipAddressing sip) : ITrunkProber
{
    public async Task<bool> ProbeAsync(TrunkDefinition trunk, CancellationToken cancellationToken)
    {
        if (!SipUri.TryParse(trunk.Uri, out var uri) || await sip.ResolveAsync(uri!, trunk.Transport, cancellationToken) is not { } destination) return false;
        var options = SipRequest.Create(SipMethods.Options, uri!);
        options.AddHeader(SipHeaderNames.Via, sip.CreateVia(destination));
        options.AddHeader(SipHeaderNames.MaxForwards, "70");
        options.AddHeader(SipHeaderNames.From, $"<sip:gateway@{sip.Domain}>;tag={SipStack.NewToken(6)}");
        options.AddHeader(SipHeaderNames.To, "<" + uri + ">");
        options.AddHeader(SipHeaderNames.CallId, SipStack.NewToken(12) + "@" + sip.Domain);
        options.AddHeader(SipHeaderNames.CSeq, "1 OPTIONS");
        options.AddHeader(SipHeaderNames.UserAgent, CallServices.UserAgent);
        var response = await sip.Stack.SendRequestAsync(options, destination).WaitAsync(cancellationToken);
        return response.StatusCode is not (408 or 503);
    }
}
