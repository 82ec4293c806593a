using Gateway.Tests.Shared;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Xunit;
using Xunit.Abstractions;

namespace Gateway.Media.Tests.Dtls;

/// <summary>
/// Runs the machine's openssl 3.x (s_server / s_client) on loopback, bounded in time and always killed at the end.
/// Under CI a missing openssl is a failure; on a developer machine the test returns early and says why.
/// </summary>
internal sealed class OpenSsl : IDisposable
{
    public const string Path = "/usr/bin/openssl";
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Task _stdout, _stderr;

    private OpenSsl(string arguments, string workDirectory)
    {
        var info = new ProcessStartInfo(Path, arguments)
        {
            WorkingDirectory = workDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(info)!;
        _stdout = Pump(_process.StandardOutput);
        _stderr = Pump(_process.StandardError);
    }

    public static bool IsAvailable(ITestOutputHelper output)
    {
        if (File.Exists(Path)) return true;
        throw MissingPeer.Skip(output, "openssl (apt-get install openssl)");
    }

    public static OpenSsl Start(string arguments, string workDirectory) => new(arguments, workDirectory);

    /// <summary>A loopback UDP port free at the time of the call.</summary>
    public static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>Waits until the output contains <paramref name="text"/>; false after the timeout.</summary>
    public async Task<bool> WaitForAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Output.Contains(text, StringComparison.Ordinal)) return true;
            if (_process.HasExited) { await Task.WhenAll(_stdout, _stderr); return Output.Contains(text, StringComparison.Ordinal); }
            await Task.Delay(50);
        }
        return false;
    }

    /// <summary>Closes openssl's stdin (it ends the connection and exits), then waits a bounded time for the exit.</summary>
    public async Task<string> FinishAsync(TimeSpan timeout)
    {
        try { _process.StandardInput.Close(); } catch (IOException) { }
        using var cts = new CancellationTokenSource(timeout);
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { Kill(); }
        await Task.WhenAll(_stdout, _stderr).WaitAsync(TimeSpan.FromSeconds(5));
        return Output;
    }

    /// <summary>The hex openssl printed after "Keying material: " (-keymatexport), or null.</summary>
    public string? KeyingMaterial()
    {
        foreach (var line in Output.Split('\n'))
        {
            var i = line.IndexOf("Keying material: ", StringComparison.Ordinal);
            if (i >= 0) return line[(i + "Keying material: ".Length)..].Trim();
        }
        return null;
    }

    private async Task Pump(StreamReader reader)
    {
        var buffer = new char[4096];
        int n;
        while ((n = await reader.ReadAsync(buffer)) > 0)
            lock (_output) _output.Append(buffer, 0, n);
    }

    private void Kill()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
    }

    public void Dispose()
    {
        Kill();
        _process.WaitForExit(5000);
        _process.Dispose();
    }
}

/// <summary>A self-signed ECDSA P-256 certificate made by openssl in a temporary directory, deleted on dispose.</summary>
internal sealed class OpenSslCertificate : IDisposable
{
    private OpenSslCertificate(string directory, string fingerprint)
    {
        Directory = directory;
        Fingerprint = fingerprint;
    }

    /// <summary>Holds cert.pem and key.pem.</summary>
    public string Directory { get; }

    /// <summary>Its sha-256 fingerprint, "AB:CD:...".</summary>
    public string Fingerprint { get; }

    public static OpenSslCertificate Create()
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("dtls-openssl-").FullName;
        using var req = Process.Start(new ProcessStartInfo(OpenSsl.Path,
            "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout key.pem -out cert.pem -subj /CN=openssl -days 1")
        {
            WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        })!;
        if (!req.WaitForExit(10_000)) { req.Kill(true); Assert.Fail("openssl req hung"); }
        Assert.Equal(0, req.ExitCode);
        using var cert = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(dir, "cert.pem")));
        var hash = cert.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        return new OpenSslCertificate(dir, string.Join(':', hash.Select(b => b.ToString("X2"))));
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}
