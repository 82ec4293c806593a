namespace Gateway.Server.Signaling;

/// <summary>
/// Where signing keys may be fetched from: https, or plain http only to a loopback host (a local identity provider,
/// tests). Keys fetched over plain http from elsewhere could be replaced in transit, and then any token would pass.
/// </summary>
internal static class SigningKeyUrl
{
    public static bool IsAllowed(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && IsAllowed(uri);

    public static bool IsAllowed(Uri uri) =>
        uri.IsAbsoluteUri && uri.UserInfo.Length == 0 && uri.Fragment.Length == 0
        && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback));
}
