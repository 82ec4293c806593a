namespace Gateway.Server.Web;

/// <summary>The web dialer: GET / (index.html) and its stylesheet and script, served from embedded resources.</summary>
internal static class WebSetup
{
    public static WebApplication MapGatewayWeb(this WebApplication app)
    {
        var assets = new DialerAssets();
        foreach (var path in assets.Paths.Append("/"))
        {
            var asset = assets.Find(path)!;
            app.MapGet(path, (HttpContext context) =>
            {
                var headers = context.Response.Headers;
                headers.CacheControl = "no-cache";
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                // The page needs the microphone for calls (Permissions-Policy, same origin only).
                headers["Permissions-Policy"] = "microphone=(self), camera=()";
                return Results.Bytes(asset.Content, asset.ContentType);
            }).ExcludeFromDescription();
        }
        return app;
    }
}
