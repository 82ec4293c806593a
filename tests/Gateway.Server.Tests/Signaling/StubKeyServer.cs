using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Gateway.Server.Tests.Signaling;

/// <summary>An in-memory HTTP server for signing key documents: path → JSON, counting the requests it answers.</summary>
internal sealed class StubKeyServer : HttpMessageHandler, IHttpClientFactory
{
    private int _requests;

    public ConcurrentDictionary<string, string> Documents { get; } = new();
    public int Requests => Volatile.Read(ref _requests);

    public HttpClient CreateClient(string name) => new(this, disposeHandler: false);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        var response = Documents.TryGetValue(request.RequestUri!.AbsolutePath, out var body)
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") }
            : new HttpResponseMessage(HttpStatusCode.NotFound);
        return Task.FromResult(response);
    }
}
