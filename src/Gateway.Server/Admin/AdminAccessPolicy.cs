using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Admin;

/// <summary>The verdict on one request to an operator endpoint.</summary>
public enum AdminAccessDecision
{
    Allowed,
    /// <summary>No credentials and not from an allowed address: 401 with WWW-Authenticate: Bearer (RFC 6750 §3).</summary>
    Unauthorized,
    /// <summary>A bearer token that is not one of Admin:Tokens: 403 (RFC 6750 §3.1 invalid_token).</summary>
    Forbidden,
}

/// <summary>
/// The operator-endpoint rule, parsed once from <see cref="AdminAccessOptions"/>: loopback, an allowed network, or a
/// configured bearer token. Tokens are compared as SHA-256 digests with a fixed-time comparison against every
/// configured token, so neither a token's content nor its length shows in the response time.
/// </summary>
public sealed class AdminAccessPolicy
{
    private readonly bool _allowLoopback;
    private readonly IPNetwork[] _networks;
    private readonly byte[][] _tokenDigests;

    public AdminAccessPolicy(IOptions<AdminAccessOptions> options)
    {
        var o = options.Value;
        _allowLoopback = o.AllowLoopback;
        _networks = [.. o.AllowedNetworks.Select(n => IPNetwork.TryParse(n, out var net) ? net : (IPNetwork?)null).OfType<IPNetwork>()];
        _tokenDigests = [.. o.Tokens.Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => SHA256.HashData(Encoding.UTF8.GetBytes(t.Trim())))];
    }

    public AdminAccessDecision Decide(IPAddress? remote, string? authorization)
    {
        if (remote is not null)
        {
            if (remote.IsIPv4MappedToIPv6) remote = remote.MapToIPv4();
            if (_allowLoopback && IPAddress.IsLoopback(remote)) return AdminAccessDecision.Allowed;
            foreach (var network in _networks)
                if (network.Contains(remote)) return AdminAccessDecision.Allowed;
        }
        if (BearerToken(authorization) is not { } token) return AdminAccessDecision.Unauthorized;
        return Matches(token) ? AdminAccessDecision.Allowed : AdminAccessDecision.Forbidden;
    }

    /// <summary>RFC 6750 §2.1: <c>Bearer b64token</c>, the scheme case-insensitive.</summary>
    private static string? BearerToken(string? authorization)
    {
        const string scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return null;
        var token = authorization[scheme.Length..].Trim();
        return token.Length == 0 ? null : token;
    }

    private bool Matches(string token)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(token), digest);
        var match = false;
        foreach (var known in _tokenDigests)
            match |= CryptographicOperations.FixedTimeEquals(digest, known); // no early exit: every token is compared
        return match;
    }
}
