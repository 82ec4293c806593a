namespace Gateway.Server.Api;

/// <summary>
/// GET /admin: the ops page (Api/OpsPage.html, embedded; inline CSS/JS, nothing external). The HTML holds no data and
/// is served to anyone; everything it shows comes from /api/v1 with the token typed into it (kept in sessionStorage).
/// </summary>
internal static class OpsPage
{
    private const string Resource = "ops/admin.html";

    public static void Map(WebApplication app)
    {
        byte[] page;
        using (var stream = typeof(OpsPage).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"embedded resource {Resource} missing"))
        using (var copy = new MemoryStream())
        {
            stream.CopyTo(copy);
            page = copy.ToArray();
        }
        app.MapGet("/admin", (HttpContext context) =>
        {
            var headers = context.Response.Headers;
            headers.CacheControl = "no-cache";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            // Inline script and style only; data goes to this origin only.
            headers.ContentSecurityPolicy = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
            return Results.Bytes(page, "text/html; charset=utf-8");
        }).ExcludeFromDescription();
    }
}
