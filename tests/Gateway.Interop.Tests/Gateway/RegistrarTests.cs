using System.Diagnostics;
using Gateway.Interop.Tests.Sip;
using Gateway.Tests.Shared;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>
/// Issue #15: real SIP phones register with the gateway's registrar over UDP with Digest (RFC 3261 §10, §22):
/// sipp (right and wrong password) and baresip. The binding is checked on /metrics (gateway_registrations).
/// </summary>
[Trait("Category", "E2E")]
[Collection(E2eCollection.Name)]
public sealed class RegistrarTests(ITestOutputHelper output)
{
    internal const string AlicePassword = "alice-Secret-42";

    [SkippableFact(Timeout = 60_000)]
    public async Task Sipp_registers_with_digest_and_unregisters()
    {
        if (!E2e.PeersAvailable(output, chromium: false)) return;
        await using var gateway = await StartGatewayAsync();
        // The scenario pauses (-d) between the 200 and the unregister: the binding is visible meanwhile.
        var sipp = RunSipp(gateway, "register-digest.xml", AlicePassword, pauseMs: 4000);
        await WaitRegistrationsAsync(gateway, 1, TimeSpan.FromSeconds(10));
        await E2e.AssertSippSucceeded(sipp, output, TimeSpan.FromSeconds(20)); // 401, 200, 200 to Expires: 0
        await WaitRegistrationsAsync(gateway, 0, TimeSpan.FromSeconds(5));
    }

    [SkippableFact(Timeout = 60_000)]
    public async Task Sipp_with_a_wrong_password_gets_403_and_no_binding()
    {
        if (!E2e.PeersAvailable(output, chromium: false)) return;
        await using var gateway = await StartGatewayAsync();
        await E2e.AssertSippSucceeded(RunSipp(gateway, "register-wrong-password.xml", "not-the-password", pauseMs: 0), output, TimeSpan.FromSeconds(20));
        Assert.Equal(0, await RegistrationsAsync(gateway));
        Assert.Contains("REGISTER from udp:127.0.0.1", File.ReadAllText(gateway.LogPath)); // the refusal is logged (1351)
    }

    /// <summary>baresip registers alice (digest over UDP), stays registered, and unregisters when it quits (-t).</summary>
    [SkippableFact(Timeout = 60_000)]
    public async Task Baresip_registers_with_digest_and_unregisters_on_quit()
    {
        if (!File.Exists(BaresipPath)) throw MissingPeer.Skip(output, "baresip (apt-get install baresip-core)");
        await using var gateway = await StartGatewayAsync();
        var config = Directory.CreateTempSubdirectory("baresip-").FullName;
        // Only the account and G.711 modules: no audio device, no UI (-t quits after the given seconds).
        File.WriteAllText(Path.Combine(config, "config"),
            $"module_path /usr/lib/baresip/modules\nsip_listen 127.0.0.1:{Sipp.FreePort()}\nmodule g711.so\nmodule account.so\n");
        File.WriteAllText(Path.Combine(config, "accounts"),
            $"<sip:alice@127.0.0.1:{gateway.SipPort};transport=udp>;auth_pass={AlicePassword};regint=600\n");
        var info = new ProcessStartInfo(BaresipPath) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in new[] { "-f", config, "-s", "-t", "6" }) info.ArgumentList.Add(a);
        using var baresip = Process.Start(info)!;
        var stdout = baresip.StandardOutput.ReadToEndAsync();
        try
        {
            await WaitRegistrationsAsync(gateway, 1, TimeSpan.FromSeconds(5));
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await baresip.WaitForExitAsync(exit.Token);
            await WaitRegistrationsAsync(gateway, 0, TimeSpan.FromSeconds(5));
        }
        finally
        {
            if (!baresip.HasExited) baresip.Kill(entireProcessTree: true);
            output.WriteLine($"--- baresip ({config}) ---\n{await stdout}");
        }
    }

    private const string BaresipPath = "/usr/bin/baresip";

    /// <summary>JsSIP 3.13 in headless Chromium registers over wss://127.0.0.1:port/sip (RFC 7118) with Digest, then unregisters.</summary>
    [SkippableFact(Timeout = 90_000)]
    public async Task JsSip_registers_over_wss_sip_with_digest()
    {
        if (!E2e.PeersAvailable(output, sipp: false)) return;
        var https = Sipp.FreePort();
        await using var gateway = await StartGatewayAsync(output, new Dictionary<string, string> { ["Gateway:HttpsPort"] = $"{https}" });
        var info = new ProcessStartInfo("node") { WorkingDirectory = TestPaths.JsDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(TestPaths.JsDirectory, "jssip-register.mjs"), $"wss://127.0.0.1:{https}/sip", "sip:alice@gateway.local", AlicePassword, "4" })
            info.ArgumentList.Add(a);
        using var node = Process.Start(info)!;
        var stderr = node.StandardError.ReadToEndAsync();
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(40));
            var first = await node.StandardOutput.ReadLineAsync(limit.Token);
            Assert.Equal("REGISTERED 200", first);
            await WaitRegistrationsAsync(gateway, 1, TimeSpan.FromSeconds(3)); // during the driver's 4 s pause
            Assert.Equal("UNREGISTERED", await node.StandardOutput.ReadLineAsync(limit.Token));
            await node.WaitForExitAsync(limit.Token);
            Assert.Equal(0, node.ExitCode);
            await WaitRegistrationsAsync(gateway, 0, TimeSpan.FromSeconds(5));
        }
        finally
        {
            if (!node.HasExited) node.Kill(entireProcessTree: true);
            var log = await stderr;
            output.WriteLine("--- jssip driver stderr (tail) ---\n" + (log.Length > 6000 ? log[^6000..] : log));
        }
    }

    /// <summary>The registrar test dialplan with its users' passwords, the registrar on its defaults (MD5 challenges).</summary>
    internal static Task<GatewayProcess> StartGatewayAsync(ITestOutputHelper output, IReadOnlyDictionary<string, string>? settings = null) =>
        GatewayProcess.StartAsync(output, "registrar-test.yaml", settings: settings, environment: new Dictionary<string, string> { ["ALICE_PASSWORD"] = AlicePassword, ["BOB_PASSWORD"] = "bob-Secret-42" });

    private Task<GatewayProcess> StartGatewayAsync() => StartGatewayAsync(output);

    private static Task<Sipp.Result> RunSipp(GatewayProcess gateway, string scenario, string password, int pauseMs) =>
        Sipp.RunAsync($"127.0.0.1:{gateway.SipPort} -sf {TestPaths.Scenario(scenario)} -s alice -au alice -ap {password} " +
                      $"-i 127.0.0.1 -p {Sipp.FreePort()} -t u1 -m 1 -d {pauseMs} -timeout 20s -timeout_error", TimeSpan.FromSeconds(30));

    internal static async Task<int> RegistrationsAsync(GatewayProcess gateway) =>
        (int)(new PrometheusText(await gateway.GetMetricsAsync()).Value("gateway_registrations") ?? -1);

    internal static async Task WaitRegistrationsAsync(GatewayProcess gateway, int expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var seen = -1;
        while (DateTime.UtcNow < deadline)
        {
            seen = await RegistrationsAsync(gateway);
            if (seen == expected) return;
            await Task.Delay(100);
        }
        Assert.Fail($"gateway_registrations stayed {seen}, expected {expected}; log {gateway.LogPath}");
    }
}
