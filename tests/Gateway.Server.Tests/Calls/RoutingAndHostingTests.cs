using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Server.Calls;
using Gateway.Server.SipHosting;
using Gateway.Server.Signaling;
using Gateway.Sip.Messages;
using Gateway.Sip.Transport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Server.Tests.Calls;

public sealed class RoutingAndHostingTests
{
    [Fact]
    public async Task Uri_route_dials_the_target_as_Request_URI()
    {
        await using var peer = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", 9, "")],
            extraRoutes: $"  - name: pbx\n    match: {{ regex: '^9(\\d+)$' }}\n    uri: sip:ext$1@127.0.0.1:{peer.Port}\n");
        var web = new FakeWebSession("w1", "alice");

        gw.Place(web, "c1", "9123");

        await web.WaitForAsync("answer", "c1");
        Assert.Equal("ext123", (await peer.WaitForAsync(SipMethods.Invite)).RequestUri.User);
        gw.Controller.OnMessage(web, new Hangup("c1"));
        await peer.WaitForAsync(SipMethods.Bye);
        await gw.WaitForNoCallsAsync();
        Assert.Equal("uri", gw.Cdr.Records.Single().Trunk);
    }

    [Fact]
    public async Task Unknown_sources_are_refused_when_configured_and_trunk_sources_route_with_their_settings()
    {
        await using var caller = SipTestPeer.Start();
        await using var strict = CallHarness.Start([("pstn", caller.Port, "")], inboundSources: "'10.0.0.0/8'", allowUnknownSources: false);
        var (_, refused, _) = caller.Call(strict.EndPoint, "bob");
        Assert.Equal(403, (await refused.FinalResponse).StatusCode);

        await using var known = CallHarness.Start([("pstn", caller.Port, "dtmf: info")], inboundSources: "'127.0.0.0/8'", allowUnknownSources: false);
        var web = new FakeWebSession("w1", "bob");
        known.Users.Register("bob", web);
        var (invite, tx, _) = caller.Call(known.EndPoint, "bob");
        var id = (string)(await web.WaitForAsync("incoming"))["id"]!;
        known.Controller.OnMessage(web, new AnswerIncoming(id, MidCallTests.InboundAnswer));
        var ok = await tx.FinalResponse;
        await caller.AckAsync(invite, ok);
        for (var i = 0; i < 200 && known.Registry.Snapshot().Single().State != CallState.Active; i++) await Task.Delay(5);
        known.Controller.OnMessage(web, new SendDtmf(id, "4", 100));
        Assert.StartsWith("Signal=4", System.Text.Encoding.ASCII.GetString((await caller.WaitForAsync(SipMethods.Info)).Body.Span));
        known.Controller.OnMessage(web, new Hangup(id));
        await known.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task Unsupported_Require_is_answered_420()
    {
        await using var caller = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", caller.Port, "")]);
        gw.Users.Register("bob", new FakeWebSession("w1", "bob"));

        var (_, tx, _) = caller.Call(gw.EndPoint, "bob", extraHeader: "Require: 100rel, precondition");

        var final = await tx.FinalResponse;
        Assert.Equal(420, final.StatusCode);
        Assert.Equal("precondition", final.GetHeader("Unsupported")); // 100rel is supported (RFC 3262)
    }

    [Fact]
    public async Task Transports_follow_the_options_with_TLS_when_a_certificate_is_configured()
    {
        var folder = Directory.CreateTempSubdirectory("gw-sip-tls-").FullName;
        try
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=gateway.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
            File.WriteAllText(Path.Combine(folder, "sip.pem"), certificate.ExportCertificatePem());
            File.WriteAllText(Path.Combine(folder, "sip.key"), key.ExportPkcs8PrivateKeyPem());
            var options = new GatewaySipOptions
            {
                ListenAddress = "127.0.0.1", UdpPort = 0, TcpPort = 0, TlsPort = 0,
                TlsCertificatePath = Path.Combine(folder, "sip.pem"), TlsKeyPath = Path.Combine(folder, "sip.key"),
            };

            var transports = SipTransportFactory.Create(options, NullLoggerFactory.Instance);

            Assert.Equal([SipTransportProtocol.Udp, SipTransportProtocol.Tls], transports.Select(t => t.Protocol));
            foreach (var t in transports) await t.DisposeAsync();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Configuration_binds_media_options_and_finds_the_dialplan()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Media:BindAddress"] = "127.0.0.1",
            ["Media:PublicAddress"] = "192.0.2.7",
            ["Media:PortMin"] = "30000",
            ["Media:RtpTimeout"] = "00:00:05",
            ["Dialplan:File"] = "dialplan/default.yaml",
        }).Build();

        var media = CallsSetup.ReadMediaOptions(configuration.GetSection("Media"));

        Assert.Equal(IPAddress.Parse("192.0.2.7"), media.PublicAddress);
        Assert.Equal(30000, media.PortMin);
        Assert.Equal(TimeSpan.FromSeconds(5), media.RtpTimeout);
        Assert.True(File.Exists(CallsSetup.ResolveDialplan(configuration)));
    }

    [Fact]
    public void Configuration_binds_the_media_io_settings_and_refuses_bad_ones()
    {
        static IConfigurationSection Media(params (string Key, string Value)[] pairs) => new ConfigurationBuilder()
            .AddInMemoryCollection(pairs.ToDictionary(p => "Media:" + p.Key, p => (string?)p.Value)).Build().GetSection("Media");

        var media = CallsSetup.ReadMediaOptions(Media(("IoMode", "Auto"), ("IoThreads", "3"), ("IoTick", "00:00:00.002")));
        Assert.Equal(Gateway.Media.Net.MediaIoMode.Auto, media.IoMode);
        Assert.Equal(Gateway.Media.Net.MediaIoMode.Portable, CallsSetup.ReadMediaOptions(Media(("IoMode", "portable"))).IoMode);
        Assert.Throws<InvalidOperationException>(() => CallsSetup.ReadMediaOptions(Media(("IoMode", "Portable"), ("IoThreads", "3"))));
        Assert.Equal(3, media.IoThreads);
        Assert.Equal(TimeSpan.FromMilliseconds(2), media.IoTick);
        Assert.Throws<InvalidOperationException>(() => CallsSetup.ReadMediaOptions(Media(("IoMode", "fast"))));
        Assert.Throws<InvalidOperationException>(() => CallsSetup.ReadMediaOptions(Media(("IoTick", "00:00:01"))));
    }

    [Fact]
    public void Configuration_binds_the_opus_settings_and_refuses_bad_ones()
    {
        static IConfigurationSection Media(params (string Key, string Value)[] pairs) => new ConfigurationBuilder()
            .AddInMemoryCollection(pairs.ToDictionary(p => "Media:" + p.Key, p => (string?)p.Value)).Build().GetSection("Media");

        var media = CallsSetup.ReadMediaOptions(Media(("OpusComplexity", "2"), ("OpusLibrary", "managed")));
        Assert.Equal(2, media.OpusComplexity);
        Assert.Equal(Gateway.Media.Transcoding.OpusLibrary.Managed, media.OpusLibrary);
        Assert.Equal(5, CallsSetup.ReadMediaOptions(Media()).OpusComplexity);
        Assert.Throws<InvalidOperationException>(() => CallsSetup.ReadMediaOptions(Media(("OpusComplexity", "11"))));
        Assert.Throws<InvalidOperationException>(() => CallsSetup.ReadMediaOptions(Media(("OpusLibrary", "fast"))));
    }

    [Theory]
    [InlineData("alice", "alice")]
    [InlineData("+44 20", "+44%2020")]
    [InlineData("bob@example.com", "bob%40example.com")]
    [InlineData("", "anonymous")]
    public void Caller_names_are_escaped_for_the_From_user(string name, string expected) =>
        Assert.Equal(expected, TrunkAttempt.EscapeUser(name));

    [Fact]
    public async Task Trunk_over_TCP_carries_the_call_and_the_in_dialog_requests()
    {
        await using var peer = SipTestPeer.Start(tcp: true);
        await using var gw = CallHarness.Start([("pstn", peer.Port, "transport: tcp")]);
        var web = new FakeWebSession("w1", "alice");

        gw.Place(web, "c1", "+14155550100");

        await web.WaitForAsync("answer", "c1");
        var invite = await peer.WaitForAsync(SipMethods.Invite);
        Assert.StartsWith("SIP/2.0/TCP", invite.GetHeader("Via"));
        Assert.Contains("transport=tcp", invite.GetHeader("Contact"));
        await peer.WaitForAsync(SipMethods.Ack);
        Assert.Equal(200, (await peer.SendInDialogAsync(SipMethods.Bye)).StatusCode);
        Assert.Equal(200, (int)(await web.WaitForAsync("hangup", "c1"))["code"]!);
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public void Warmup_runs_the_setup_path_without_sending_anything() => CallPathWarmup.Run();
}
