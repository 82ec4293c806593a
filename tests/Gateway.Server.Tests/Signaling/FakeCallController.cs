using System.Threading.Channels;
using Gateway.Server.Signaling;

namespace Gateway.Server.Tests.Signaling;

/// <summary>Records what the signaling layer hands to the call layer.</summary>
internal sealed class FakeCallController : ICallController
{
    private readonly Channel<(IWebSession Session, ClientCallMessage Message)> _messages = Channel.CreateUnbounded<(IWebSession, ClientCallMessage)>();
    private readonly Channel<IWebSession> _ended = Channel.CreateUnbounded<IWebSession>();

    /// <summary>When set, the controller answers each message through the session.</summary>
    public Action<IWebSession, ClientCallMessage>? Reply { get; set; }

    public void OnMessage(IWebSession session, ClientCallMessage message)
    {
        _messages.Writer.TryWrite((session, message));
        Reply?.Invoke(session, message);
    }

    public void OnSessionEnded(IWebSession session) => _ended.Writer.TryWrite(session);

    public async Task<(IWebSession Session, ClientCallMessage Message)> NextMessageAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        return await _messages.Reader.ReadAsync(timeout.Token);
    }

    public bool TryNextMessage(out (IWebSession Session, ClientCallMessage Message) item) => _messages.Reader.TryRead(out item);

    public async Task<IWebSession> NextEndedAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        return await _ended.Reader.ReadAsync(timeout.Token);
    }

    public bool TryNextEnded(out IWebSession? session) => _ended.Reader.TryRead(out session);
}
