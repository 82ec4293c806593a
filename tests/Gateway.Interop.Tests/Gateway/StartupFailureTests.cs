using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Gateway.Interop.Tests.Sip;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>
/// Issue #11: the start-up failures a newcomer meets (a busy SIP or HTTPS port, an unreadable certificate, a dialplan
/// error) print one line naming the cause and what to do, and exit non-zero without a stack trace.
/// </summary>
public sealed class StartupFailureTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task A_busy_sip_port_is_one_line_and_exit_code_1()
    {
        using var busy = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        busy.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)busy.LocalEndPoint!).Port;

        var line = await RunFailingAsync(("Sip:UdpPort", $"{port}"), ("Sip:TcpPort", "0"));

        Assert.Contains($"SIP port in use or not available on 127.0.0.1 (udp {port}", line);
        Assert.Contains("Sip:UdpPort", line);
    }

    [SkippableFact]
    public async Task A_busy_https_port_is_one_line_and_exit_code_1()
    {
        using var busy = new TcpListener(IPAddress.Any, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port;

        var line = await RunFailingAsync(("Gateway:HttpsPort", $"{port}"), ("Gateway:ListenAddress", "0.0.0.0"));

        Assert.Contains($"{port}", line);
        Assert.Contains("Gateway:HttpsPort", line);
    }

    [SkippableFact]
    public async Task An_unreadable_certificate_is_one_line_and_exit_code_1()
    {
        var work = Directory.CreateTempSubdirectory("gateway-start-").FullName;
        var cert = Path.Combine(work, "garbage.pem");
        File.WriteAllText(cert, "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");

        var line = await RunFailingAsync(("Gateway:HttpsPort", "0"), ("Tls:CertificatePath", cert));

        Assert.Contains($"the HTTPS certificate {cert} cannot be read", line);
        Assert.Contains("Tls:CertificatePath", line);
    }

    [SkippableFact]
    public async Task A_dialplan_error_is_one_line_naming_the_check_command()
    {
        var work = Directory.CreateTempSubdirectory("gateway-start-").FullName;
        var plan = Path.Combine(work, "bad.yaml");
        File.WriteAllText(plan, "routes:\n  - match: '[unclosed'\n    trunk: nowhere\n");

        var line = await RunFailingAsync(("Dialplan:File", plan));

        Assert.Contains("the dialplan is invalid", line);
        Assert.Contains("dialplan check", line);
    }

    /// <summary>Starts the gateway on free loopback ports plus <paramref name="settings"/>; it must exit 1 with one stderr line.</summary>
    private async Task<string> RunFailingAsync(params (string Key, string Value)[] settings)
    {
        var work = Directory.CreateTempSubdirectory("gateway-start-").FullName;
        var dll = TestPaths.GatewayDll();
        var config = new Dictionary<string, string>
        {
            ["Gateway:HttpsPort"] = "-1",
            ["Sip:ListenAddress"] = "127.0.0.1",
            ["Sip:UdpPort"] = $"{Sipp.FreePort()}",
            ["Sip:TcpPort"] = "0",
            ["Media:BindAddress"] = "127.0.0.1",
            ["Dialplan:File"] = Path.Combine(TestPaths.RepoRoot, "dialplan", "default.yaml"),
            ["Cdr:Path"] = "",
        };
        foreach (var (key, value) in settings) config[key] = value;
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--contentRoot");
        info.ArgumentList.Add(work);
        foreach (var (key, value) in config) info.ArgumentList.Add($"--{key}={value}");
        info.Environment["DOTNET_NOLOGO"] = "1";

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { process.Kill(entireProcessTree: true); throw new TimeoutException("the gateway did not exit"); }
        var (outText, errText) = (await stdout, await stderr);
        output.WriteLine($"exit {process.ExitCode}\n--- stdout ---\n{outText}\n--- stderr ---\n{errText}");

        Assert.Equal(1, process.ExitCode);
        Assert.DoesNotContain("   at ", outText + errText);
        Assert.DoesNotContain("Unhandled exception", outText + errText);
        var lines = errText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("gateway: cannot start: ", line);
        return line;
    }
}
