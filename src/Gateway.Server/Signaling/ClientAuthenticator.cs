using System.Net;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Signaling;

/// <summary>
/// Authenticates /ws and /api requests: a bearer token in ?token= or Authorization: Bearer (protocol.md "Transport",
/// checked by <see cref="ClientTokenValidator"/>), or, with AllowLoopbackWithoutToken, no token from a loopback address.
/// Anything else is refused before the upgrade.
/// </summary>
internal sealed class ClientAuthenticator(IOptions<SignalingOptions> options, ClientTokenValidator tokens)
{
    private readonly bool _allowLoopback = options.Value.AllowLoopbackWithoutToken;

    public async ValueTask<ClientAuthentication> AuthenticateAsync(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress ?? IPAddress.None;
        if (remote.IsIPv4MappedToIPv6) remote = remote.MapToIPv4();

        var token = TokenOf(context.Request);
        if (token is not null)
        {
            var check = await tokens.ValidateAsync(token);
            return check.IsValid
                ? new ClientAuthentication(new ClientIdentity(check.Subject, true, remote), null)
                : new ClientAuthentication(default, check.Error);
        }
        if (_allowLoopback && IPAddress.IsLoopback(remote))
        {
            var claimed = context.Request.Query["user"].ToString();
            return new ClientAuthentication(
                new ClientIdentity(claimed.Length > 0 && SignalingGrammar.IsUserName(claimed) ? claimed : null, false, remote), null);
        }
        return new ClientAuthentication(default, "a bearer token is required");
    }

    private static string? TokenOf(HttpRequest request)
    {
        var query = request.Query["token"];
        if (query.Count > 0 && !string.IsNullOrEmpty(query[0])) return query[0];
        var header = request.Headers.Authorization.ToString();
        const string Bearer = "Bearer ";
        if (header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) && header.Length > Bearer.Length)
            return header[Bearer.Length..].Trim();
        return null;
    }
}
