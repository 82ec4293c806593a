namespace Gateway.Server.Signaling;

/// <summary>What the signaling front end hands call messages to (the B2BUA).</summary>
public interface ICallController
{
    /// <summary>A validated call message; the controller answers through the session (including errors such as not_found).</summary>
    void OnMessage(IWebSession session, ClientCallMessage message);

    /// <summary>The session is gone for good (closed and its reconnect grace expired): end its calls.</summary>
    void OnSessionEnded(IWebSession session);
}
