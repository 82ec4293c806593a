using System.Diagnostics;
using Gateway.Interop.Tests.Sip;
using Gateway.Tests.Shared;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>
/// Issue #14 items 2 and 3 with real peers: Chromium calls through the gateway to baresip (srtp-mand) over TLS verified
/// against a test CA openssl makes at test time; the audio toward and from baresip is SRTP on the wire (tshark: every
/// datagram on baresip's RTP port has the SRTP tag, none is plain RTP). A wrong CA is refused and logged.
/// </summary>
[Trait("Category", "E2E")]
[Collection(E2eCollection.Name)]
public sealed class TlsSrtpTrunkTests(ITestOutputHelper output)
{
    private const int PlainRtp = 12 + 160, SrtpTag80 = 10, SrtpTag32 = 4;

    private static bool ToolsAvailable(ITestOutputHelper output)
    {
        if (!File.Exists("/usr/bin/openssl")) throw MissingPeer.Skip(output, "openssl");
        if (!File.Exists("/usr/bin/tshark")) throw MissingPeer.Skip(output, "tshark (apt-get install tshark)");
        return E2e.PeersAvailable(output, sipp: false) && Baresip.IsAvailable(output);
    }

    internal static string Run(string file, string arguments, string? workDirectory = null)
    {
        var info = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workDirectory ?? "" };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(20_000)) process.Kill();
        Assert.True(process.ExitCode == 0, $"{file} {arguments}: exit {process.ExitCode}\n{stderr.Result}");
        return stdout.Result;
    }

    /// <summary>A CA and a server certificate for 127.0.0.1 it issued (baresip's, certificate and key in one PEM): returns (ca.pem, baresip.pem).</summary>
    private static (string Ca, string Server) MakeCertificates(string folder, string caName)
    {
        Run("openssl", $"req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem -days 2 -subj \"/CN={caName}\"", folder);
        Run("openssl", "req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1", folder);
        File.WriteAllText(Path.Combine(folder, "ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
        Run("openssl", "x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile ext.cnf", folder);
        var bundle = Path.Combine(folder, "baresip.pem");
        File.WriteAllText(bundle, File.ReadAllText(Path.Combine(folder, "server.pem")) + File.ReadAllText(Path.Combine(folder, "server.key")));
        return (Path.Combine(folder, "ca.pem"), bundle);
    }

    /// <summary>tshark on loopback for baresip's RTP ports; stopped with SIGINT so the pcap is complete.</summary>
    internal sealed class Capture(Process process, string file) : IDisposable
    {
        public static async Task<Capture> StartAsync(string folder, int portMin, int portMax)
        {
            var file = Path.Combine(folder, "media.pcap");
            var info = new ProcessStartInfo("tshark", $"-i lo -f \"udp portrange {portMin}-{portMax}\" -w {file}") { RedirectStandardError = true, RedirectStandardOutput = true };
            var process = Process.Start(info)!;
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            process.ErrorDataReceived += (_, e) => { if (e.Data?.Contains("Capturing on", StringComparison.Ordinal) == true) started.TrySetResult(); };
            process.BeginErrorReadLine();
            await started.Task.WaitAsync(TimeSpan.FromSeconds(15));
            return new Capture(process, file);
        }

        /// <summary>Stops the capture; returns (source port, destination port, UDP payload length) of every datagram.</summary>
        public List<(int Source, int Destination, int Length)> Stop()
        {
            Run("kill", $"-INT {process.Id}");
            process.WaitForExit(10_000);
            return [.. Run("tshark", $"-r {file} -T fields -e udp.srcport -e udp.dstport -e udp.length")
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split('\t'))
                .Select(f => (int.Parse(f[0]), int.Parse(f[1]), int.Parse(f[2]) - 8))];
        }

        public void Dispose()
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true); // tshark leaves its dumpcap child running otherwise
            process.Dispose();
        }
    }

    [SkippableFact(Timeout = 90_000)]
    public async Task CallOverTlsWithSrtpRequired_CarriesSrtpBothWays_AndNoPlainRtp()
    {
        if (!ToolsAvailable(output)) return;
        var folder = Directory.CreateTempSubdirectory("tls-srtp-").FullName;
        var (ca, serverPem) = MakeCertificates(folder, "Gateway Interop CA");
        var rtpMin = 40000 + Random.Shared.Next(0, 200) * 10;
        await using var baresip = await Baresip.StartAsync(folder, Sipp.FreePort(), rtpMin, serverPem);
        await using var gateway = await GatewayProcess.StartAsync(output, "gateway-tls-srtp.yaml",
            new Dictionary<string, string> { ["TRUNK_TLS_PORT"] = $"{baresip.TlsPort}", ["CA_FILE"] = ca });
        await using var browser = await ChromiumDriver.StartAsync(output);
        using var capture = await Capture.StartAsync(folder, rtpMin, rtpMin + 9);
        try
        {
            var page = await E2e.OpenDialerAsync(browser, gateway, "bob");
            var from = await E2e.DialAsync(browser, page, "1000");
            var (_, answer) = await browser.WaitEventAsync(page, TimeSpan.FromSeconds(20), from, "answer", "hangup", "error");
            Assert.True((string?)answer["type"] == "answer", $"expected answer, got {answer.ToJsonString()}");
            await E2e.AssertMediaFlowsAsync(browser, page, output);
            var mark = (await browser.EventsAsync(page)).Count;
            await browser.ClickAsync(page, "#hangup");
            await browser.WaitEventAsync(page, E2e.Step, mark, "hangup");
            var cdr = await E2e.WaitForCdrAsync(gateway, (string)answer["id"]!);
            output.WriteLine($"CDR: {cdr.ToJsonString()}");
            Assert.True((long?)cdr["packetsToSip"] > 20 && (long?)cdr["packetsToWeb"] > 20, $"CDR packet counts: {cdr.ToJsonString()}");

            var datagrams = capture.Stop();
            // RTP goes to and from baresip's even RTP port; RTCP (odd port) is SRTCP and not counted here.
            bool IsRtp(int port) => port >= rtpMin && port <= rtpMin + 9 && port % 2 == 0;
            var toTrunk = datagrams.Where(d => IsRtp(d.Destination)).ToList();
            var fromTrunk = datagrams.Where(d => IsRtp(d.Source)).ToList();
            output.WriteLine($"on the wire: {toTrunk.Count} datagrams to baresip's RTP port, {fromTrunk.Count} from it; lengths to: " +
                string.Join(",", toTrunk.Select(d => d.Length).Distinct()) + "; from: " + string.Join(",", fromTrunk.Select(d => d.Length).Distinct()));
            Assert.True(toTrunk.Count > 20 && fromTrunk.Count > 20, "too few media datagrams captured");
            Assert.DoesNotContain(toTrunk.Concat(fromTrunk), d => d.Length == PlainRtp);
            Assert.All(toTrunk.Concat(fromTrunk), d => Assert.True(d.Length is PlainRtp + SrtpTag80 or PlainRtp + SrtpTag32, $"a {d.Length}-byte datagram is not 20 ms of SRTP PCMU"));
        }
        catch
        {
            output.WriteLine($"--- baresip ({folder}) ---\n{baresip.Log}\n--- gateway ---\n{gateway.Tail()}");
            throw;
        }
    }

    [SkippableFact(Timeout = 60_000)]
    public async Task WrongCa_IsRefused_TheCallFails_AndTheLogSaysWhy()
    {
        if (!ToolsAvailable(output)) return;
        var folder = Directory.CreateTempSubdirectory("tls-wrong-ca-").FullName;
        var (_, serverPem) = MakeCertificates(folder, "Baresip CA");
        var other = Directory.CreateDirectory(Path.Combine(folder, "other")).FullName;
        var (otherCa, _) = MakeCertificates(other, "Some Other CA");
        await using var baresip = await Baresip.StartAsync(folder, Sipp.FreePort(), 40000 + Random.Shared.Next(0, 200) * 10, serverPem);
        await using var gateway = await GatewayProcess.StartAsync(output, "gateway-tls-srtp.yaml",
            new Dictionary<string, string> { ["TRUNK_TLS_PORT"] = $"{baresip.TlsPort}", ["CA_FILE"] = otherCa });
        await using var browser = await ChromiumDriver.StartAsync(output);
        var page = await E2e.OpenDialerAsync(browser, gateway, "bob");
        var from = await E2e.DialAsync(browser, page, "1000");
        var (_, hangup) = await browser.WaitEventAsync(page, TimeSpan.FromSeconds(20), from, "hangup", "answer");
        Assert.Equal("hangup", (string?)hangup["type"]);
        output.WriteLine($"hangup: {hangup.ToJsonString()}");
        var log = gateway.Tail(20000);
        Assert.Contains("TLS to trunk secure refused: host 127.0.0.1", log);
        Assert.Contains("does not chain to the trunk's tls_ca", log);
        Assert.DoesNotContain("UA not found", baresip.Log); // no INVITE reached baresip
        Assert.DoesNotContain("incoming call", baresip.Log);
    }
}
