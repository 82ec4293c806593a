using Gateway.Sip.Stack;
using Gateway.Sip.Transport;

namespace Gateway.Server.Registrar;

/// <summary>Adds the SIP-over-WebSocket transport to the SIP stack when the host starts (the stack disposes it at the end).</summary>
internal sealed class SipWebSocketHost(SipStack stack, WebSocketSipTransport transport) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        stack.AddTransport(transport);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
