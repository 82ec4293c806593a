using Gateway.Dialplan;
using Gateway.Media.Net;
using Gateway.Server.Admin;
using Gateway.Server.Api;
using Gateway.Server.Calls;
using Gateway.Server.Cluster;
using Gateway.Server.Hosting;
using Gateway.Server.Observability;
using Gateway.Server.Recording;
using Gateway.Server.Registrar;
using Gateway.Server.Signaling;
using Gateway.Server.Web;

// `gateway dialplan check|route ...`: the operators' dialplan tool (dialplan/README.md).
if (args is ["dialplan", ..])
    return DialplanCli.Run(args, Console.Out, Console.Error);

InlineSocketCompletions.EnableUnlessConfigured(); // before any socket exists
// A failure an operator can fix (port in use, unreadable certificate, invalid dialplan) is one line on stderr and exit 1.
try
{
    var builder = WebApplication.CreateBuilder(args);
    // Start-up failures are reported by the catch below, not by the host's stack-trace dump.
    builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
    builder.ConfigureGatewayHosting();          // Hosting/: Kestrel HTTPS on 8443, dev certificate into certs/
    builder.Services.AddGatewayObservability(builder.Configuration); // Observability/: metrics, CDR writer
    builder.Services.AddGatewaySignaling(builder.Configuration);     // Signaling/: WebSocket protocol, sessions, rooms, ICE servers
    builder.Services.AddGatewayCluster(builder.Configuration);       // Cluster/: shared state in Redis when Cluster:Redis is set
    builder.Services.AddGatewayCalls(builder.Configuration);         // Calls/: SIP stack, media engine, dialplan, B2BUA
    builder.Services.AddGatewayRecording(builder.Configuration);     // Recording/: record: true calls as WAV files
    builder.Services.AddGatewayApi();                                // Api/: operator REST API, OpenAPI, ops page
    builder.Services.AddGatewayRegistrar(builder.Configuration);     // Registrar/: REGISTER for the dialplan's users:, /sip (SIP over WebSocket)

    var app = builder.Build();
    app.MapGatewayObservability();   // /healthz, /metrics
    app.MapGatewayWeb();             // GET /: the web dialer
    app.MapGatewaySignaling();       // /ws, /api/ice-servers
    app.MapSipWebSocket();           // /sip: SIP over WebSocket (RFC 7118) for JsSIP and desk phones over WSS
    app.MapGatewayAdmin();           // POST /admin/drain (loopback, Admin:AllowedNetworks or an Admin:Tokens bearer)
    app.MapGatewayApi();             // /api/v1/*, /api/v1/openapi.json (admin filter), GET /admin: the ops page
    app.Run();
    return 0;
}
catch (Exception e) when (StartupFailure.Describe(e) is { } line)
{
    Console.Error.WriteLine(StartupFailure.Prefix + line);
    return 1;
}

/// <summary>Lets tests start the host with WebApplicationFactory or by calling Main.</summary>
public partial class Program;
