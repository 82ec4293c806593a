using System.Net;
using System.Text.Json.Nodes;

namespace Gateway.Server.Signaling;

/// <summary>
/// One signaling session (docs/protocol.md): a WebSocket connection, kept alive across reconnects within
/// the grace period. Calls hold on to the session, not to a socket.
/// </summary>
public interface IWebSession
{
    /// <summary>The opaque id sent in welcome (reconnect with ?session=).</summary>
    string SessionId { get; }

    /// <summary>The user this session registered as ("register"), or null.</summary>
    string? RegisteredUser { get; }

    /// <summary>Who the session is: the token's sub, or the claimed name from a loopback dev connection; null if anonymous.</summary>
    string? Identity { get; }

    IPAddress RemoteAddress { get; }

    /// <summary>Queues a server message ({"type":...}); never throws, never blocks; buffered while reconnecting.</summary>
    void Send(JsonObject message);

    /// <summary>Queues {"type":"error","id":id,"code":code,"message":message}.</summary>
    void SendError(string? id, string code, string message);
}
