using System.Diagnostics;
using System.Text;
using Gateway.Tests.Shared;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Sip;

/// <summary>
/// A baresip user agent (Debian's baresip 1.x) as a SIP peer on loopback, auto-answering or dialing one URI: its own config
/// folder, SIP over UDP/TCP on a port and over TLS on the port above it (with a test certificate), as user 1000 (the
/// number the tests dial), a 440 Hz tone as its microphone, what it decodes dumped to a WAV file, the media encryption of
/// its account (<c>srtp-mand</c>: SDES SRTP only) and RTP ports in a known range.
/// </summary>
internal sealed partial class Baresip : IAsyncDisposable
{
    public const string Path = "/usr/bin/baresip";
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private Baresip(Process process, string folder, int sipPort, int rtpMin)
    {
        _process = process;
        Folder = folder;
        SipPort = sipPort;
        RtpMin = rtpMin;
        process.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Folder { get; }
    public int SipPort { get; }
    /// <summary>baresip listens for SIP over TLS on the port above its UDP/TCP one.</summary>
    public int TlsPort => SipPort + 1;
    /// <summary>Its RTP ports: RtpMin..RtpMin+9.</summary>
    public int RtpMin { get; }
    public string Log { get { lock (_log) return _log.ToString(); } }
    /// <summary>
    /// The WAV file of the audio it decoded from the network (what it would play), written by its sndfile filter as
    /// <c>dump-&lt;time&gt;-dec.wav</c> (16-bit PCM at the codec's rate); null before the first call's audio started.
    /// </summary>
    public string? DecodedWav => Directory.GetFiles(Folder, "dump-*-dec.wav").OrderBy(f => f, StringComparer.Ordinal).FirstOrDefault();

    /// <summary>
    /// The SIP messages of its trace (<c>-s</c>), sent and received, in order: each printed after a line
    /// "<c>UDP a -> b</c>" and up to the colour reset that closes it.
    /// </summary>
    public IReadOnlyList<string> SipMessages()
    {
        var messages = new List<string>();
        StringBuilder? current = null;
        foreach (var raw in Log.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (current is null)
            {
                if (TraceMarker().IsMatch(line)) current = new StringBuilder();
            }
            else if (line.StartsWith('\u001b'))
            {
                messages.Add(current.ToString());
                current = null;
            }
            else current.Append(line).Append('\n');
        }
        if (current is not null) messages.Add(current.ToString());
        return messages;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(UDP|TCP|TLS) \S+ -> \S+$")]
    private static partial System.Text.RegularExpressions.Regex TraceMarker();

    public static bool IsAvailable(ITestOutputHelper output)
    {
        if (File.Exists(Path) && File.Exists("/usr/lib/baresip/modules/srtp.so")) return true;
        throw MissingPeer.Skip(output, "baresip with its srtp module (apt-get install baresip)");
    }

    /// <summary>
    /// Starts baresip with <paramref name="certificatePem"/> (certificate and key) for its TLS listener (null: no TLS).
    /// <paramref name="mediaEncryption"/> is the account's <c>mediaenc</c> (<c>srtp-mand</c>: RTP/SAVP only; <c>srtp</c>:
    /// best effort, a=crypto on RTP/AVP; null: plain RTP). With <paramref name="dial"/> it calls that URI once ready
    /// (the menu module's <c>/dial</c>, run by <c>-e</c>); <paramref name="account"/> replaces the default account line
    /// (e.g. a user registering with the gateway).
    /// </summary>
    public static async Task<Baresip> StartAsync(string folder, int sipPort, int rtpMin, string? certificatePem, string? mediaEncryption = "srtp-mand",
        string? dial = null, string? account = null)
    {
        File.WriteAllText(System.IO.Path.Combine(folder, "config"), $"""
            poll_method epoll
            sip_listen 127.0.0.1:{sipPort}
            snd_path {folder}
            {(certificatePem is null ? "" : $"sip_certificate {certificatePem}")}
            audio_player aufile,{System.IO.Path.Combine(folder, "received.wav")}
            audio_source aufile,{Tone(folder)}
            audio_alert aufile,/dev/null
            rtp_ports {rtpMin}-{rtpMin + 9}
            rtp_stats yes
            module_path /usr/lib/baresip/modules
            module g711.so
            module ausine.so
            module aufile.so
            module sndfile.so
            module srtp.so
            module_app account.so
            {(dial is null ? "" : "module_app menu.so")}
            """);
        File.WriteAllText(System.IO.Path.Combine(folder, "accounts"),
            (account ?? $"<sip:1000@127.0.0.1>;regint=0;{(mediaEncryption is null ? "" : $"mediaenc={mediaEncryption};")}answermode=auto;audio_codecs=PCMU") + "\n");
        var info = new ProcessStartInfo(Path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-f", folder, "-t", "60", "-s" }) info.ArgumentList.Add(arg);
        if (dial is not null)
        {
            info.ArgumentList.Add("-e");
            info.ArgumentList.Add($"/dial {dial}");
        }
        var baresip = new Baresip(Process.Start(info)!, folder, sipPort, rtpMin);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!baresip.Log.Contains("baresip is ready", StringComparison.Ordinal))
        {
            if (baresip._process.HasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"baresip did not start (exit {(baresip._process.HasExited ? baresip._process.ExitCode : -1)}):\n{baresip.Log}");
            await Task.Delay(50);
        }
        return baresip;
    }

    /// <summary>30 s of 440 Hz, 8 kHz 16-bit mono PCM WAV (RIFF header, then samples).</summary>
    internal static string Tone(string folder)
    {
        const int rate = 8000, seconds = 30;
        var path = System.IO.Path.Combine(folder, "tone.wav");
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write("RIFF"u8);
        writer.Write(36 + rate * seconds * 2);
        writer.Write("WAVEfmt "u8);
        writer.Write(16);
        writer.Write((short)1);
        writer.Write((short)1);
        writer.Write(rate);
        writer.Write(rate * 2);
        writer.Write((short)2);
        writer.Write((short)16);
        writer.Write("data"u8);
        writer.Write(rate * seconds * 2);
        for (var i = 0; i < rate * seconds; i++) writer.Write((short)(8000 * Math.Sin(2 * Math.PI * 440 * i / rate)));
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
        }
        _process.Dispose();
    }
}
