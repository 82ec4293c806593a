namespace Gateway.Server.Admin;

/// <summary>
/// The endpoint filter behind <see cref="AdminSetup.RequireAdminAccess{TBuilder}"/>: runs <see cref="AdminAccessPolicy"/>
/// before the endpoint and answers 401 (with <c>WWW-Authenticate: Bearer</c>) or 403 in its place.
/// </summary>
internal sealed partial class AdminAccessFilter(AdminAccessPolicy policy, ILogger<AdminAccessFilter> logger) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var remote = http.Connection.RemoteIpAddress;
        switch (policy.Decide(remote, http.Request.Headers.Authorization.ToString()))
        {
            case AdminAccessDecision.Allowed:
                return next(context);
            case AdminAccessDecision.Forbidden:
                Log.Refused(logger, http.Request.Path, remote?.ToString(), "wrong token");
                return ValueTask.FromResult<object?>(IsApi(http)
                    ? Results.Problem("The bearer token is not one of Admin:Tokens.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden")
                    : Results.Text("forbidden\n", statusCode: StatusCodes.Status403Forbidden));
            default:
                Log.Refused(logger, http.Request.Path, remote?.ToString(), "no token, address not allowed");
                http.Response.Headers.WWWAuthenticate = "Bearer realm=\"gateway-admin\"";
                return ValueTask.FromResult<object?>(IsApi(http)
                    ? Results.Problem("Send Authorization: Bearer <one of Admin:Tokens>.", statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized")
                    : Results.Text("unauthorized: send Authorization: Bearer <Admin:Tokens>\n", statusCode: StatusCodes.Status401Unauthorized));
        }
    }

    /// <summary>The REST API answers RFC 9457 problem details; /metrics and /admin keep their plain text.</summary>
    private static bool IsApi(HttpContext http) => http.Request.Path.StartsWithSegments("/api");

    private static partial class Log
    {
        // Debug: anyone can produce these, so they must not flood the log at the default level.
        [LoggerMessage(4800, LogLevel.Debug, "Refused {Path} from {Remote}: {Reason}")]
        public static partial void Refused(ILogger logger, string path, string? remote, string reason);
    }
}
