using Gateway.Dialplan;
using Gateway.Server.Observability;
using Gateway.Server.Signaling;
using Gateway.Sip.Messages;

namespace Gateway.Server.Calls;

/// <summary>What every call needs from the process: SIP, media, routing, tables, metrics and CDRs, time.</summary>
internal sealed class CallServices
{
    public required SipAddressing Sip { get; init; }
    public required GatewaySipOptions Options { get; init; }
    public required ICallMediaFactory Media { get; init; }
    public required CallRegistry Registry { get; init; }
    public required GatewayMetrics Metrics { get; init; }
    public required ICdrWriter Cdr { get; init; }
    public required Func<CompiledDialplan> Dialplan { get; init; }
    public required TrunkFailover Failover { get; init; }
    public required CallLimits Limits { get; init; }
    public required IWebUserDirectory Users { get; init; }
    /// <summary>The users' registered SIP devices (Registrar/), rung beside their web sessions.</summary>
    public Gateway.Server.Registrar.IRegisteredDevices Devices { get; init; } = NoDevices.Instance;
    /// <summary>The user's devices on other nodes (Cluster/), rung when this node holds none of them; null without a cluster.</summary>
    public IRemoteUsers? RemoteUsers { get; init; }
    public required TimeProvider Time { get; init; }
    public required ILoggerFactory Loggers { get; init; }
    /// <summary>Set while the gateway drains: no new calls (Hosting/GatewayDrain).</summary>
    public Gateway.Server.Hosting.DrainState Drain { get; init; } = new();

    /// <summary>The Allow header value of every response and request that carries one.</summary>
    public const string Allow = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REFER, NOTIFY, UPDATE, PRACK";
    public const string Supported = "timer";
    public const string UserAgent = "Gateway";

    /// <summary>A response carrying <see cref="Allow"/>: a 405 MUST list the methods (RFC 3261 §21.4.6), an OPTIONS 200 SHOULD (§11.2).</summary>
    public static SipResponse ResponseWithAllow(SipRequest request, int status)
    {
        var response = SipResponse.CreateFor(request, status);
        response.AddHeader(SipHeaderNames.Allow, Allow);
        return response;
    }
}

/// <summary>No registrar: no user has SIP devices.</summary>
internal sealed class NoDevices : Gateway.Server.Registrar.IRegisteredDevices
{
    public static readonly NoDevices Instance = new();
    public IReadOnlyList<Gateway.Server.Registrar.RegisteredDevice> DevicesOf(string user) => [];
    public int Count => 0;
}
