using Gateway.Sip.Messages;

namespace Gateway.Sip.Transactions;

/// <summary>Where a transaction sends its messages: one transport and one peer (RFC 3261 §17.1.1.1, §18).</summary>
public interface ISipMessageSender
{
    /// <summary>Reliable transports (TCP, TLS) suppress retransmissions (§17.1.1.2, §17.1.2.2).</summary>
    bool IsReliable { get; }

    /// <summary>Sends without blocking; transport errors are reported through <see cref="TransportFailed"/>.</summary>
    void Send(SipMessage message);

    /// <summary>Raised when a send fails; a transaction treats it as a transport error (§17.1.4).</summary>
    event Action? TransportFailed;
}
