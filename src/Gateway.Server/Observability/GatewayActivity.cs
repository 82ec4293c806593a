using System.Diagnostics;

namespace Gateway.Server.Observability;

/// <summary>
/// The ActivitySource "Gateway": one span per call (Calls/GatewayCall.Tracing.cs) with an event for each step, exported
/// by OTLP when Otlp:Endpoint is set. With no listener <see cref="ActivitySource.StartActivity(string, ActivityKind)"/>
/// returns null and a call records nothing.
/// </summary>
internal static class GatewayActivity
{
    public const string SourceName = "Gateway";

    public static readonly ActivitySource Source = new(SourceName);
}
