using Gateway.Dialplan;

// `gateway dialplan check|route ...`: the operators' dialplan tool (dialplan/README.md).
if (args is ["dialplan", ..])
    return DialplanCli.Run(args, Console.Out, Console.Error);

var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/healthz", () => "ok");
app.Run();
return 0;
