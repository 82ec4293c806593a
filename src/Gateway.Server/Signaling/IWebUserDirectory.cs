namespace Gateway.Server.Signaling;

/// <summary>Which sessions are registered as a web user (inbound calls fork to all of them).</summary>
public interface IWebUserDirectory
{
    IReadOnlyList<IWebSession> SessionsFor(string user);
}
