using System.Text;
using Microsoft.IdentityModel.Protocols;

namespace Gateway.Server.Signaling;

/// <summary>
/// Fetches the JWKS (RFC 7517 §5) and OpenID discovery documents for the key cache: https only (http on loopback,
/// <see cref="SigningKeyUrl"/>), no redirects, a bounded size and time. Failures throw, as the
/// <see cref="IDocumentRetriever"/> contract expects; the cache keeps its last keys and retries later.
/// </summary>
internal sealed partial class SigningKeyDocumentRetriever(IHttpClientFactory clients, ILogger<SigningKeyDocumentRetriever> logger)
    : IDocumentRetriever
{
    public const string HttpClientName = "Gateway.SigningKeys";
    public const int MaxDocumentBytes = 256 * 1024;
    private static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(10);

    public async Task<string> GetDocumentAsync(string address, CancellationToken cancel)
    {
        try
        {
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || !SigningKeyUrl.IsAllowed(uri))
                throw new InvalidOperationException("signing keys must be fetched over https (plain http only from loopback)");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(FetchTimeout);
            using var client = clients.CreateClient(HttpClientName);
            using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"HTTP {(int)response.StatusCode}", null, response.StatusCode);
            if (response.Content.Headers.ContentLength > MaxDocumentBytes)
                throw new InvalidDataException($"document larger than {MaxDocumentBytes} bytes");
            var text = await ReadBoundedAsync(response.Content, timeout.Token);
            Log.Fetched(logger, address, text.Length);
            return text;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancel.IsCancellationRequested)
        {
            Log.FetchFailed(logger, address, e.Message);
            throw;
        }
    }

    private static async Task<string> ReadBoundedAsync(HttpContent content, CancellationToken cancel)
    {
        await using var stream = await content.ReadAsStreamAsync(cancel);
        var buffer = new byte[MaxDocumentBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancel)) > 0)
            length += read;
        if (length > MaxDocumentBytes) throw new InvalidDataException($"document larger than {MaxDocumentBytes} bytes");
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3060, Level = LogLevel.Information, Message = "Fetched signing keys document {Address} ({Chars} chars)")]
        public static partial void Fetched(ILogger logger, string address, int chars);

        [LoggerMessage(EventId = 3061, Level = LogLevel.Warning, Message = "Could not fetch signing keys document {Address}: {Reason}")]
        public static partial void FetchFailed(ILogger logger, string address, string reason);
    }
}
