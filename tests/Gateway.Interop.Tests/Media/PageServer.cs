using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Interop.Tests.Media;

/// <summary>
/// HttpListener on http://127.0.0.1 at a free port (a secure context for WebRTC); each request goes to the handler.
/// A handler that throws answers 500 with the exception text.
/// </summary>
internal sealed class PageServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public PageServer(Func<HttpListenerRequest, HttpListenerResponse, Task> handler)
    {
        for (int attempt = 0; ; attempt++)
        {
            int port = FreeTcpPort();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try { _listener.Start(); Url = $"http://127.0.0.1:{port}/"; break; }
            catch (HttpListenerException) when (attempt < 10) { }
        }
        _loop = Task.Run(async () =>
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception) { break; }
                _ = Task.Run(async () =>
                {
                    try { await handler(context.Request, context.Response); }
                    catch (Exception e)
                    {
                        try { context.Response.StatusCode = 500; await context.Response.WriteAsync("text/plain", e.ToString()); }
                        catch (Exception) { }
                    }
                });
            }
        });
    }

    /// <summary>http://127.0.0.1:&lt;port&gt;/</summary>
    public string Url { get; } = "";

    private static int FreeTcpPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
    }
}

internal static class HttpListenerResponseExtensions
{
    public static async Task WriteAsync(this HttpListenerResponse response, string contentType, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.ContentType = contentType;
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }
}
