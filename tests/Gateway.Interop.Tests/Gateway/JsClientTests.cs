using Gateway.Tests.Shared;
using System.Diagnostics;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>
/// Issue #15 item 6: the signaling client of clients/js, run by node's test runner against a gateway of its own
/// (register, an echo call, a resumed session after a drop, rooms, errors). The dialer's Chromium tests run the same
/// module in a browser.
/// </summary>
[Trait("Category", "E2E")]
[Collection(E2eCollection.Name)]
public sealed class JsClientTests(ITestOutputHelper output)
{
    [SkippableFact(Timeout = 120_000)]
    public async Task Node_test_runner_passes_the_client_library_tests_against_a_running_gateway()
    {
        var node = new[] { "/usr/bin/node", "/usr/local/bin/node" }.FirstOrDefault(File.Exists);
        if (node is null) throw MissingPeer.Skip(output, "node (apt-get install nodejs)");
        await using var gateway = await GatewayProcess.StartAsync(output, "gateway-test.yaml",
            new Dictionary<string, string> { ["TRUNK_PORT"] = "9", ["BACKUP_PORT"] = "9" });

        var info = new ProcessStartInfo(node)
        {
            WorkingDirectory = Path.Combine(TestPaths.RepoRoot, "clients", "js"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Node 22 has WebSocket built in; Node 20 needs the flag (and accepts it on 22 too).
        foreach (var arg in new[] { "--experimental-websocket", "--test", "--test-reporter=spec", "test/" }) info.ArgumentList.Add(arg);
        info.Environment["GATEWAY_WS"] = gateway.WebSocketUri.ToString();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        output.WriteLine(await stdout);
        output.WriteLine(await stderr);
        Assert.True(process.ExitCode == 0, $"node --test exited {process.ExitCode}; gateway log:\n{gateway.Tail()}");
    }
}
