namespace Gateway.Server.Signaling;

/// <summary>The outcome of authenticating a /ws or /api request: the identity, or why it is refused (HTTP 401).</summary>
internal readonly record struct ClientAuthentication(ClientIdentity Identity, string? Error)
{
    public bool Succeeded => Error is null;
}
