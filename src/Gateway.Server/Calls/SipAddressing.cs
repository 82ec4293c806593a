using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Gateway.Sip.Messages;
using Gateway.Sip.Stack;
using Gateway.Sip.Transport;

namespace Gateway.Server.Calls;

/// <summary>
/// How the gateway names itself and finds peers on SIP: the host for Via and Contact (the public address, the
/// bound address, or the local address the OS would use toward the peer), and where a URI's requests go (§18.1.1).
/// </summary>
internal sealed class SipAddressing(SipStack stack, GatewaySipOptions options)
{
    private readonly ConcurrentDictionary<IPAddress, IPAddress> _localToward = new();

    public SipStack Stack => stack;

    /// <summary>Our address as the peer at <paramref name="remote"/> should see it.</summary>
    public IPAddress LocalAddressToward(IPEndPoint remote, ISipTransport transport)
    {
        if (options.PublicIp is { } pub) return pub;
        var bound = transport.LocalEndPoint.Address;
        if (!bound.Equals(IPAddress.Any) && !bound.Equals(IPAddress.IPv6Any)) return bound;
        return _localToward.GetOrAdd(remote.Address, static address =>
        {
            try
            {
                // A connected UDP socket sends nothing; it only asks the routing table for the source address.
                using var probe = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                probe.Connect(new IPEndPoint(address, 9));
                return ((IPEndPoint)probe.LocalEndPoint!).Address;
            }
            catch (SocketException)
            {
                return address.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback;
            }
        });
    }

    public ISipTransport TransportFor(SipEndPoint destination) => stack.TransportFor(destination.Protocol, destination.Address.AddressFamily);

    /// <summary>"host:port" of our transport toward the destination.</summary>
    public string HostPortToward(SipEndPoint destination)
    {
        var transport = TransportFor(destination);
        var address = LocalAddressToward(destination.Address, transport);
        var host = address.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + address + "]" : address.ToString();
        return host + ":" + transport.LocalEndPoint.Port;
    }

    /// <summary>A Via with a fresh branch and rport (RFC 3581) toward the destination.</summary>
    public string CreateVia(SipEndPoint destination)
    {
        var transport = TransportFor(destination);
        return $"SIP/2.0/{transport.Protocol.ToString().ToUpperInvariant()} {HostPortToward(destination)};branch={SipVia.MagicCookie}{SipStack.NewToken(12)};rport";
    }

    /// <summary>Our Contact toward the destination, with the transport parameter when not UDP.</summary>
    public string CreateContact(SipEndPoint destination, string user = "gateway") =>
        $"<sip:{user}@{HostPortToward(destination)}{TransportParameter(destination.Protocol)}>";

    public static string TransportParameter(SipTransportProtocol protocol) =>
        protocol == SipTransportProtocol.Udp ? "" : ";transport=" + protocol.ToString().ToLowerInvariant();

    public string Domain => options.Domain;

    /// <summary>
    /// Where requests for a URI go (RFC 3263 without NAPTR/SRV): the transport parameter or the hint, the
    /// host (an address, or an A/AAAA lookup) and the port (default 5060, 5061 for TLS). Null when unresolvable
    /// or when no transport of that protocol is running.
    /// </summary>
    public async Task<SipEndPoint?> ResolveAsync(SipUri uri, string? transportHint, CancellationToken cancellationToken = default)
    {
        if (!uri.IsSip) return null;
        var name = uri.GetParameter("transport") ?? transportHint ?? (uri.Scheme == "sips" ? "tls" : "udp");
        SipTransportProtocol protocol;
        switch (name.ToLowerInvariant())
        {
            case "udp": protocol = SipTransportProtocol.Udp; break;
            case "tcp": protocol = SipTransportProtocol.Tcp; break;
            case "tls": protocol = SipTransportProtocol.Tls; break;
            default: return null;
        }
        var port = uri.Port ?? (protocol == SipTransportProtocol.Tls ? 5061 : 5060);
        IPAddress? address;
        if (!IPAddress.TryParse(uri.Host.Trim('[', ']'), out address))
        {
            try
            {
                var addresses = await Dns.GetHostAddressesAsync(uri.Host, cancellationToken);
                address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
            }
            catch (SocketException)
            {
                return null;
            }
        }
        if (address is null || !stack.Transports.Any(t => t.Protocol == protocol)) return null;
        return new SipEndPoint(protocol, new IPEndPoint(address, port));
    }
}
