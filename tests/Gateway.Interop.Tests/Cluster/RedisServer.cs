using System.Diagnostics;
using Gateway.Interop.Tests.Sip;
using Gateway.Tests.Shared;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Cluster;

/// <summary>
/// Debian's redis-server as a private instance on a free loopback port (no persistence, its folder in /tmp).
/// <see cref="StopAsync"/> then <see cref="StartAgainAsync"/> restart it empty on the same port (a Redis restart without data).
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    public const string Path = "/usr/bin/redis-server";

    private readonly ITestOutputHelper _output;
    private readonly string _work = Directory.CreateTempSubdirectory("redis-").FullName;
    private Process? _process;

    public int Port { get; } = Sipp.FreePort();
    public string ConnectionString => $"127.0.0.1:{Port}";
    public string Folder => _work;

    private RedisServer(ITestOutputHelper output) => _output = output;

    public static bool IsAvailable(ITestOutputHelper output)
    {
        if (File.Exists(Path)) return true;
        throw MissingPeer.Skip(output, "redis-server (apt-get install redis-server)");
    }

    public static async Task<RedisServer> StartAsync(ITestOutputHelper output)
    {
        var redis = new RedisServer(output);
        await redis.RunAsync();
        return redis;
    }

    public Task StartAgainAsync() => RunAsync();

    public async Task StopAsync()
    {
        if (_process is not { } p) return;
        _process = null;
        if (!p.HasExited) p.Kill();
        await p.WaitForExitAsync();
        p.Dispose();
    }

    private async Task RunAsync()
    {
        var info = new ProcessStartInfo(Path) { WorkingDirectory = _work, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--port", $"{Port}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _work, "--protected-mode", "yes" })
            info.ArgumentList.Add(arg);
        _process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                break;
            }
            catch (System.Net.Sockets.SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(50);
            }
        }
        _output.WriteLine($"redis-server pid {_process.Id} on 127.0.0.1:{Port}");
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
