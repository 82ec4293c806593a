using Gateway.Dialplan;
using Gateway.Sip.Messages;
using Gateway.Sip.Stack;

namespace Gateway.Server.Calls;

/// <summary>
/// Asks a trunk whether it is alive with OPTIONS (RFC 3261 §11), for the keep-alive and the half-open breaker trial:
/// any answer within the trunk's invite_timeout but 408 or 503 is alive; no answer, a transport error, 408 or 503 is not.
/// </summary>
internal sealed class SipTrunkProber(SipAddressing sip, TimeProvider? time = null) : ITrunkProber
{
    public async Task<bool> ProbeAsync(TrunkDefinition trunk, CancellationToken cancellationToken)
    {
        try
        {
            return await ProbeCoreAsync(trunk, cancellationToken).WaitAsync(trunk.Liveness.InviteTimeout, time ?? TimeProvider.System, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or System.Net.Sockets.SocketException or IOException or InvalidOperationException)
        {
            return false;
        }
    }

    private async Task<bool> ProbeCoreAsync(TrunkDefinition trunk, CancellationToken cancellationToken)
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
