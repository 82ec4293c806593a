using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Signaling;

/// <summary>
/// The iceServers list for RTCPeerConnection: STUN URLs as configured, TURN URLs with TURN REST API credentials
/// (draft-uberti-behave-turn-rest-00 §2.2: username "expiry:user", credential base64(HMAC-SHA1(secret, username))).
/// </summary>
internal sealed class IceServerProvider(IOptions<SignalingOptions> signaling, IOptions<TurnOptions> turn, TimeProvider time)
{
    public JsonArray Build(string? user)
    {
        var list = new JsonArray();
        var stun = signaling.Value.StunUrls;
        if (stun.Length > 0) list.Add(new JsonObject { ["urls"] = Urls(stun) });

        var t = turn.Value;
        if (!string.IsNullOrEmpty(t.Secret) && t.Urls.Length > 0)
        {
            var (username, credential) = TurnCredential(t.Secret, user ?? "anonymous", time.GetUtcNow() + t.Ttl);
            list.Add(new JsonObject { ["urls"] = Urls(t.Urls), ["username"] = username, ["credential"] = credential });
        }
        return list;
    }

    /// <summary>TURN REST API credential valid until <paramref name="expiry"/>.</summary>
    public static (string Username, string Credential) TurnCredential(string secret, string user, DateTimeOffset expiry)
    {
        var username = expiry.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + ":" + user;
        var mac = HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(username));
        return (username, Convert.ToBase64String(mac));
    }

    private static JsonArray Urls(string[] urls)
    {
        var array = new JsonArray();
        foreach (var u in urls) array.Add(u);
        return array;
    }
}
