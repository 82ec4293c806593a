using Gateway.Sip.Messages;
using Gateway.Sip.Transport;

namespace Gateway.Server.Registrar;

/// <summary>
/// A registered device of a directory user, as the call layer needs it to ring the user: the Contact to put in the
/// Request-URI, and where to send (the flow the REGISTER came over, RFC 5626 §5.3: the NAT's public address and port,
/// and for TCP/TLS/WS that connection), the RFC 5626 instance, and when the binding ends.
/// </summary>
public sealed record RegisteredDevice(string User, SipUri Contact, SipEndPoint Destination, string? ConnectionId, string? Instance, DateTimeOffset ExpiresAt);

/// <summary>Looks up a user's registered devices (the SIP phones and JsSIP clients bound by the registrar).</summary>
public interface IRegisteredDevices
{
    IReadOnlyList<RegisteredDevice> DevicesOf(string user);
    /// <summary>Current bindings over every user (<c>gateway_registrations</c>).</summary>
    int Count { get; }
}
