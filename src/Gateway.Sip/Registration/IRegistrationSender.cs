using Gateway.Sip.Messages;

namespace Gateway.Sip.Registration;

/// <summary>
/// Sends one REGISTER as a new non-INVITE client transaction (RFC 3261 §17.1.2) to the registrar. The sender adds the
/// Via (a fresh branch each time) and, when the request has none, the Contact for the transport it picks; the client
/// reuses that Contact for every later REGISTER of the binding. The task ends with the final response: a 408 when
/// Timer F fires; it faults when nothing could be sent (an unresolvable registrar).
/// </summary>
public interface IRegistrationSender
{
    Task<SipResponse> SendAsync(SipRequest register, CancellationToken cancellationToken);

    /// <summary>The connection the last REGISTER went over (TCP, TLS) was closed by the registrar's side.</summary>
    event Action? FlowLost { add { } remove { } }
}
