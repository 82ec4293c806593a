using System.Diagnostics;
using System.Text;
using Gateway.Tests.Shared;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Sip;

/// <summary>
/// linphone-cli (Debian's <c>linphonec</c>, liblinphone 5.x) as a registered SIP phone on loopback, driven by its stdin
/// commands: a private config file (<c>-c</c>) and HOME in its own folder (nothing of the user's is read or written),
/// SIP over UDP or TCP on one port, PCMU only, RTP on a known port, and the sound card replaced by files
/// (<c>soundcard use files</c>): a 440 Hz tone as its microphone (<c>play</c>) and what it decodes written to a WAV
/// file (<c>record</c>).
/// </summary>
internal sealed class Linphone : IAsyncDisposable
{
    public const string Path = "/usr/bin/linphonec";
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private Linphone(Process process, string folder, int sipPort, int rtpPort)
    {
        _process = process;
        Folder = folder;
        SipPort = sipPort;
        RtpPort = rtpPort;
        process.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Folder { get; }
    public int SipPort { get; }
    public int RtpPort { get; }
    public string Log { get { lock (_log) return _log.ToString(); } }
    /// <summary>The WAV file linphonec writes what it decodes from the network into (its <c>record</c> file).</summary>
    public string ReceivedWav => System.IO.Path.Combine(Folder, "received.wav");

    public static bool IsAvailable(ITestOutputHelper output)
    {
        if (File.Exists(Path)) return true;
        throw MissingPeer.Skip(output, "linphonec (apt-get install linphone-cli)");
    }

    /// <summary>
    /// Starts linphonec listening on 127.0.0.1:<paramref name="sipPort"/> over <paramref name="transport"/> (udp | tcp),
    /// with auto-answer, its audio files set up, then registers <paramref name="user"/> with Digest
    /// (<paramref name="password"/>) at the gateway's <paramref name="proxyPort"/> (RFC 3261 §10, §22).
    /// </summary>
    public static async Task<Linphone> StartAsync(string folder, int sipPort, int rtpPort, string transport, string user, string password, int proxyPort)
    {
        var udp = transport == "udp" ? sipPort : 0; // 0: that transport off (-1 would be a random port)
        var tcp = transport == "tcp" ? sipPort : 0;
        var config = System.IO.Path.Combine(folder, "linphonerc");
        File.WriteAllText(config, $"""
            [sip]
            sip_port={udp}
            sip_tcp_port={tcp}
            sip_tls_port=0
            ipv6_enabled=0
            guess_hostname=0
            register_only_when_network_is_up=0
            [rtp]
            audio_rtp_port={rtpPort}
            audio_jitt_comp=60
            [net]
            firewall_policy=0
            [sound]
            echocancellation=0
            [audio_codec_0]
            mime=PCMU
            rate=8000
            channels=1
            enabled=1
            """);
        var info = new ProcessStartInfo(Path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        // Its database (call log, friends) lives in $HOME/.local/share/linphone: without that folder the core never
        // starts its SIP transports (no listening point, every request fails with "no channel available").
        Directory.CreateDirectory(System.IO.Path.Combine(folder, ".local", "share", "linphone"));
        info.Environment["HOME"] = folder;
        foreach (var arg in new[] { "-c", config, "-S" }) info.ArgumentList.Add(arg);
        var linphone = new Linphone(Process.Start(info)!, folder, sipPort, rtpPort);
        // Its commands are read from stdin once its core is up; they wait in the pipe until then.
        try
        {
            var tone = Baresip.Tone(folder);
            foreach (var command in new[]
                     {
                         "soundcard use files", $"play {tone}", $"record {linphone.ReceivedWav}", "autoanswer enable",
                         $"register sip:{user}@127.0.0.1 sip:127.0.0.1:{proxyPort};transport={transport} {password}",
                     })
                await linphone.SendAsync(command);
            return linphone;
        }
        catch
        {
            await linphone.DisposeAsync(); // never leave it running: it would hold the test run's inherited lock file
            throw;
        }
    }

    /// <summary>Writes one command line to linphonec's stdin.</summary>
    public async Task SendAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits until its output contains <paramref name="text"/>; fails with its log if it exits or the time is up.</summary>
    public async Task WaitForLogAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Log.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
                throw new TimeoutException($"linphonec never printed \"{text}\" (exit {(_process.HasExited ? _process.ExitCode : -1)}):\n{Log}");
            await Task.Delay(50);
        }
    }

    /// <summary>The largest sample magnitude of the 16-bit PCM WAV it recorded (0 if the file has no samples yet).</summary>
    public int ReceivedPeak()
    {
        if (!File.Exists(ReceivedWav)) return 0;
        byte[] bytes;
        using (var stream = new FileStream(ReceivedWav, FileMode.Open, FileAccess.Read, FileShare.ReadWrite)) { bytes = new byte[stream.Length]; stream.ReadExactly(bytes); }
        var peak = 0;
        for (var i = 44; i + 1 < bytes.Length; i += 2) peak = Math.Max(peak, Math.Abs((int)BitConverter.ToInt16(bytes, i)));
        return peak;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await SendAsync("quit");
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (e is IOException or TimeoutException or InvalidOperationException)
            {
                try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
            }
        }
        _process.Dispose();
    }
}
