using Gateway.Sip.Messages;
using Gateway.Sip.Registration;

namespace Gateway.Sip.Tests.Registration;

/// <summary>
/// An <see cref="IRegistrationSender"/> whose answers the test gives: each REGISTER is recorded (with the Via and Contact a
/// real sender adds) and waits for <see cref="Respond"/>, which completes it synchronously on the test's thread.
/// </summary>
internal sealed class FakeRegistrar : IRegistrationSender
{
    public const string Contact = "<sip:gw@192.0.2.10:5070>";
    private readonly Queue<TaskCompletionSource<SipResponse>> _pending = new();

    public List<SipRequest> Sent { get; } = [];
    public SipRequest Last => Sent[^1];
    public int Pending => _pending.Count;

    public Task<SipResponse> SendAsync(SipRequest register, CancellationToken cancellationToken)
    {
        register.PrependHeader(SipHeaderNames.Via, $"SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bK{Sent.Count:x8};rport");
        if (register.GetHeader(SipHeaderNames.Contact) is null) register.AddHeader(SipHeaderNames.Contact, Contact);
        Sent.Add(register);
        var answer = new TaskCompletionSource<SipResponse>();
        _pending.Enqueue(answer);
        return answer.Task;
    }

    /// <summary>Answers the oldest unanswered REGISTER with <paramref name="code"/> and the given headers.</summary>
    public void Respond(int code, params (string Name, string Value)[] headers)
    {
        var request = Sent[^_pending.Count];
        var response = SipResponse.CreateFor(request, code, toTag: "reg1");
        foreach (var (name, value) in headers) response.AddHeader(name, value);
        _pending.Dequeue().SetResult(response);
    }

    /// <summary>A 200 that lists our Contact with the given expires parameter.</summary>
    public void Ok(int expires) => Respond(200, (SipHeaderNames.Contact, Contact + ";expires=" + expires));

    public void FailToSend() => _pending.Dequeue().SetException(new InvalidOperationException("no route"));

    public event Action? FlowLost;

    /// <summary>The registrar's side closes the connection the REGISTERs go over.</summary>
    public void CloseFlow() => FlowLost?.Invoke();
}
