using System.Net;
using System.Text;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Signaling;

/// <summary>
/// Authenticates /ws and /api requests: an HS256 bearer token in ?token= or Authorization: Bearer, or, with
/// AllowLoopbackWithoutToken, no token from a loopback address. Anything else is refused before the upgrade.
/// </summary>
internal sealed class ClientAuthenticator
{
    private readonly JwtValidator _jwt;
    private readonly bool _allowLoopback;

    public ClientAuthenticator(IOptions<SignalingOptions> options, TimeProvider time)
    {
        var o = options.Value;
        _jwt = new JwtValidator(string.IsNullOrEmpty(o.JwtSecret) ? null : Encoding.UTF8.GetBytes(o.JwtSecret), o.JwtClockSkew, time);
        _allowLoopback = o.AllowLoopbackWithoutToken;
    }

    public bool TryAuthenticate(HttpContext context, out ClientIdentity identity, out string error)
    {
        var remote = context.Connection.RemoteIpAddress ?? IPAddress.None;
        if (remote.IsIPv4MappedToIPv6) remote = remote.MapToIPv4();
        identity = default;

        var token = TokenOf(context.Request);
        if (token is not null)
        {
            if (!_jwt.TryValidate(token, out var subject, out error)) return false;
            identity = new ClientIdentity(subject, true, remote);
            return true;
        }
        if (_allowLoopback && IPAddress.IsLoopback(remote))
        {
            var claimed = context.Request.Query["user"].ToString();
            identity = new ClientIdentity(claimed.Length > 0 && SignalingGrammar.IsUserName(claimed) ? claimed : null, false, remote);
            error = "";
            return true;
        }
        error = "a bearer token is required";
        return false;
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
