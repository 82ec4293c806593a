using System.Net;
using System.Net.WebSockets;
using System.Text;
using Gateway.Server.Hosting;
using Gateway.Server.Observability;
using Gateway.Server.Registrar;
using Gateway.Server.Tests.Hosting;
using Gateway.Sip.Messages;
using Gateway.Sip.Registrar;
using Gateway.Sip.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Builder;

namespace Gateway.Server.Tests.Registrar;

/// <summary>The registrar's server parts: options validation, /sip (RFC 7118 §4.1 subprotocol), gateway_registrations, IRegisteredDevices.</summary>
public sealed class RegistrarHostTests
{
    [Theory]
    [InlineData("NonceSecret", "c2hvcnQ=", "NonceSecret must be base64 of at least 32 bytes")]
    [InlineData("Algorithms:0", "SHA-512", "Algorithms entries must be SHA-256 or MD5")]
    [InlineData("MinExpires", "00:00:00", "MinExpires must be at least 1 second")]
    [InlineData("Domain", "bad domain", "Registrar:Domain must be a host name")]
    public void Invalid_options_are_refused_at_start(string key, string value, string message)
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Registrar:" + key] = value }).Build();
        var options = config.GetSection(RegistrarHostOptions.Section).Get<RegistrarHostOptions>()!;
        var result = new RegistrarHostOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage);
    }

    [Fact]
    public void Defaults_are_valid_and_offer_md5()
    {
        var options = new RegistrarHostOptions();
        Assert.True(new RegistrarHostOptionsValidator().Validate(null, options).Succeeded);
        var registrar = options.ToRegistrarOptions("gateway.local");
        Assert.Equal(("gateway.local", 10_000), (registrar.Domain, registrar.MaxBindings));
        Assert.Equal([Gateway.Sip.Auth.DigestAlgorithm.Md5], registrar.Algorithms);
    }

    private static Task<TestGatewayHost> StartSipWebSocketHost(WebSocketSipTransport transport) => TestGatewayHost.StartAsync(
        configureServices: b =>
        {
            b.Services.AddSingleton(transport);
            b.Services.TryAddSingleton<DrainState>();
        },
        configureApp: app =>
        {
            app.UseWebSockets();
            app.MapSipWebSocket();
        });

    [Fact]
    public async Task Sip_accepts_the_sip_subprotocol_echoes_it_and_carries_sip()
    {
        var transport = new WebSocketSipTransport(secure: true, new IPEndPoint(IPAddress.Loopback, 8443));
        var received = new TaskCompletionSource<SipInbound>(TaskCreationOptions.RunContinuationsAsynchronously);
        transport.Start(m => received.TrySetResult(m));
        await using var host = await StartSipWebSocketHost(transport);
        using var ws = new ClientWebSocket();
        ws.Options.AddSubProtocol("sip");
        await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{host.Http!.Port}/sip"), CancellationToken.None);
        Assert.Equal("sip", ws.SubProtocol);
        const string options = "OPTIONS sip:gateway.local SIP/2.0\r\nVia: SIP/2.0/WSS abc.invalid;branch=z9hG4bKx1\r\nMax-Forwards: 70\r\n" +
                               "From: <sip:a@gateway.local>;tag=1\r\nTo: <sip:gateway.local>\r\nCall-ID: s1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
        await ws.SendAsync(Encoding.ASCII.GetBytes(options), WebSocketMessageType.Text, true, CancellationToken.None);
        var inbound = await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((SipTransportProtocol.Wss, "OPTIONS"), (inbound.Source.Protocol, ((SipRequest)inbound.Message).Method));
        Assert.Equal(1, transport.ConnectionCount);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("chat")]
    public async Task Sip_refuses_a_handshake_without_the_sip_subprotocol_with_400(string? subProtocol)
    {
        var transport = new WebSocketSipTransport(secure: true, new IPEndPoint(IPAddress.Loopback, 8443));
        await using var host = await StartSipWebSocketHost(transport);
        using var ws = new ClientWebSocket();
        ws.Options.CollectHttpResponseDetails = true;
        if (subProtocol is not null) ws.Options.AddSubProtocol(subProtocol);
        await Assert.ThrowsAsync<WebSocketException>(() => ws.ConnectAsync(new Uri($"ws://127.0.0.1:{host.Http!.Port}/sip"), CancellationToken.None));
        Assert.Equal(HttpStatusCode.BadRequest, ws.HttpStatusCode);
        using var client = host.HttpClient();
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/sip")).StatusCode); // plain GET
    }

    [Fact]
    public async Task Metrics_show_the_registrations()
    {
        var devices = new FakeDevices { Count = 3 };
        await using var host = await TestGatewayHost.StartAsync(configureServices: b => b.Services.AddSingleton<IRegisteredDevices>(devices));
        using var client = host.HttpClient();
        Assert.Equal(3, Observability.PrometheusText.Parse(await client.GetStringAsync("/metrics")).Value("gateway_registrations"));
    }

    private sealed class FakeDevices : IRegisteredDevices
    {
        public int Count { get; init; }
        public IReadOnlyList<RegisteredDevice> DevicesOf(string user) => [];
    }

    [Fact]
    public void Registered_devices_give_the_contact_and_the_flow_to_send_to()
    {
        var time = TimeProvider.System;
        var store = new InMemoryRegistrationStore(10, time);
        var registrar = new SipRegistrar(new RegistrarOptions { Domain = "gateway.local" }, new NoUsers(), store, new byte[32], time);
        var flow = new SipFlow(new SipEndPoint(SipTransportProtocol.Udp, new IPEndPoint(IPAddress.Parse("203.0.113.9"), 61000)), null);
        store.Apply(new BindingUpdate("sip:alice@gateway.local", "c1", 1, false,
            [new ContactChange("k", "<sip:alice@192.168.1.20:5060>", null, null, TimeSpan.FromMinutes(10))], flow, 5, time.GetUtcNow()));
        var device = Assert.Single(new RegisteredDevices(registrar).DevicesOf("alice"));
        Assert.Equal("sip:alice@192.168.1.20:5060", device.Contact.ToString());
        Assert.Equal(flow.Remote, device.Destination); // the NAT's public address, not the Contact's private one
        Assert.Empty(new RegisteredDevices(registrar).DevicesOf("bob"));
    }

    [Fact]
    public void Registrations_api_lists_the_bindings_of_the_dialplans_users()
    {
        var time = TimeProvider.System;
        var store = new InMemoryRegistrationStore(10, time);
        var registrar = new SipRegistrar(new RegistrarOptions { Domain = "gateway.local" }, new NoUsers(), store, new byte[32], time);
        var flow = new SipFlow(new SipEndPoint(SipTransportProtocol.Udp, new IPEndPoint(IPAddress.Parse("203.0.113.9"), 61000)), null);
        var expires = time.GetUtcNow() + TimeSpan.FromMinutes(10);
        store.Apply(new BindingUpdate("sip:alice@gateway.local", "c1", 1, false,
            [new ContactChange("k", "<sip:alice@192.168.1.20:5060>", null, null, TimeSpan.FromMinutes(10))], flow, 5, time.GetUtcNow()));
        var plan = Gateway.Dialplan.DialplanLoader.Load(
            "users:\n  - name: alice\n    password: alice-secret-1\n  - name: bob\n    password: bob-secret-12\nroutes: []\n", "t.yaml", _ => null).Plan!;

        var binding = Assert.Single(new RegistrarBindings(registrar, () => plan).Snapshot());

        Assert.Equal(("sip:alice@gateway.local", "<sip:alice@192.168.1.20:5060>", "udp:203.0.113.9:61000"), (binding.Aor, binding.Contact, binding.Source));
        Assert.InRange(binding.ExpiresAt, expires - TimeSpan.FromSeconds(5), expires + TimeSpan.FromSeconds(5));
    }

    private sealed class NoUsers : IRegistrarDirectory
    {
        public RegistrarUser? Find(string name) => null;
    }
}
