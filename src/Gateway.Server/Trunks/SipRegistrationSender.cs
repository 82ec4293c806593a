using Gateway.Dialplan;
using Gateway.Server.Calls;
using Gateway.Sip.Messages;
using Gateway.Sip.Registration;
using Gateway.Sip.Transport;

namespace Gateway.Server.Trunks;

/// <summary>
/// Sends a trunk's REGISTERs through the gateway's SIP stack: resolves the registrar (RFC 3263 without NAPTR/SRV, the
/// trunk's transport), adds our Via and Contact toward it, and notes its address as a source of the trunk's calls.
/// The Contact's user is the trunk's username, so the carrier's INVITEs to it name the account.
/// </summary>
internal sealed class SipRegistrationSender : IRegistrationSender, IDisposable
{
    private readonly SipAddressing sip;
    private readonly TrunkDefinition trunk;
    private readonly TrunkRegistrarSources sources;
    private bool _trunkHostNoted;
    /// <summary>Where the last REGISTER went; its connection closing (TCP, TLS) is the binding's flow lost.</summary>
    private SipEndPoint? _destination;

    public SipRegistrationSender(SipAddressing sip, TrunkDefinition trunk, TrunkRegistrarSources sources)
    {
        this.sip = sip;
        this.trunk = trunk;
        this.sources = sources;
        sip.Stack.ConnectionClosed += OnConnectionClosed;
    }

    public event Action? FlowLost;

    private void OnConnectionClosed(SipEndPoint endpoint)
    {
        if (_destination is { } to && to == endpoint) FlowLost?.Invoke();
    }

    public void Dispose() => sip.Stack.ConnectionClosed -= OnConnectionClosed;

    public async Task<SipResponse> SendAsync(SipRequest register, CancellationToken cancellationToken)
    {
        if (!_trunkHostNoted && SipUri.TryParse(trunk.Uri, out var uri) && await sip.ResolveAsync(uri!, trunk.Transport, cancellationToken) is { } host)
        {
            _trunkHostNoted = true; // the trunk's own host sends calls too, when the registrar is another
            sources.Add(trunk.Name, host.Address.Address);
        }
        var destination = await sip.ResolveAsync(register.RequestUri, trunk.Transport, cancellationToken)
            ?? throw new InvalidOperationException($"registrar {register.RequestUri} cannot be resolved (or no {trunk.Transport} transport)");
        sources.Add(trunk.Name, destination.Address.Address);
        _destination = destination;
        register.PrependHeader(SipHeaderNames.Via, sip.CreateVia(destination));
        if (register.GetHeader(SipHeaderNames.Contact) is null)
            register.AddHeader(SipHeaderNames.Contact, sip.CreateContact(destination, trunk.Username ?? "gateway"));
        return await sip.Stack.SendRequestAsync(register, destination).WaitAsync(cancellationToken);
    }
}
