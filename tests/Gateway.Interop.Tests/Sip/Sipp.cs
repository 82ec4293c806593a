using Gateway.Tests.Shared;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Sip;

/// <summary>
/// Runs Debian's sipp (package sip-tester) on loopback with a hard timeout. Under CI a missing sipp is a
/// failure; on a developer machine the test returns early and says why.
/// </summary>
public static class Sipp
{
    public const string Path = "/usr/bin/sipp";

    public static bool IsAvailable(ITestOutputHelper output)
    {
        if (File.Exists(Path)) return true;
        throw MissingPeer.Skip(output, "sipp (apt-get install sip-tester)");
    }

    /// <summary>A free loopback UDP+TCP port (sipp binds both for -t t1).</summary>
    public static int FreePort()
    {
        for (var attempt = 0; ; attempt++)
        {
            using var tcp = new TcpListener(IPAddress.Loopback, 0);
            tcp.Start();
            var port = ((IPEndPoint)tcp.LocalEndpoint).Port;
            try
            {
                using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException) when (attempt < 20) { }
        }
    }

    public sealed record Result(int ExitCode, string Output, string WorkDirectory);

    /// <summary>
    /// Starts sipp; the returned task completes when it exits (killed after <paramref name="timeout"/>, or when
    /// <paramref name="stop"/> is cancelled: e.g. a UAS serving a test until the test is done).
    /// </summary>
    public static Task<Result> RunAsync(string arguments, TimeSpan timeout, CancellationToken stop = default)
    {
        var work = Directory.CreateTempSubdirectory("sipp-").FullName;
        var info = new ProcessStartInfo(Path, arguments + " -nostdin -trace_err -trace_msg")
        {
            WorkingDirectory = work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info)!;
        return WaitAsync(process, work, timeout, stop);
    }

    private static async Task<Result> WaitAsync(Process process, string work, TimeSpan timeout, CancellationToken stop)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stop);
        cts.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        var logs = string.Join("\n", Directory.GetFiles(work, "*.log").Select(f => $"--- {f}\n" + Tail(File.ReadAllText(f))));
        return new Result(process.ExitCode, $"exit {process.ExitCode}\n{Tail(await stdout)}\n{await stderr}\n{logs}", work);
    }

    private static string Tail(string s) => s.Length <= 6000 ? s : s[^6000..];
}
