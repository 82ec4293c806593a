using Gateway.Sip.Messages;
using Gateway.Sip.Transactions;

namespace Gateway.Sip.Tests.Transactions;

/// <summary>An <see cref="ISipMessageSender"/> that records what a transaction sends.</summary>
public sealed class RecordingSender(bool reliable = false) : ISipMessageSender
{
    public List<SipMessage> Sent { get; } = [];
    public bool IsReliable => reliable;
    public event Action? TransportFailed;

    public void Send(SipMessage message)
    {
        lock (Sent) Sent.Add(message);
    }

    public void Fail() => TransportFailed?.Invoke();

    public int CountRequests(string method) { lock (Sent) return Sent.OfType<SipRequest>().Count(r => r.Method == method); }
    public int CountResponses(int code) { lock (Sent) return Sent.OfType<SipResponse>().Count(r => r.StatusCode == code); }
}
