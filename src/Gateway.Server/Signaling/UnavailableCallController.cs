namespace Gateway.Server.Signaling;

/// <summary>The default <see cref="ICallController"/> until the call layer registers its own: calls are unavailable.</summary>
internal sealed class UnavailableCallController : ICallController
{
    public void OnMessage(IWebSession session, ClientCallMessage message) =>
        session.SendError(message.Id, SignalingErrorCodes.Unavailable, "calls are not available on this gateway");

    public void OnSessionEnded(IWebSession session)
    {
    }
}
