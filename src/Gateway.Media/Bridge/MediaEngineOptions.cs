using System.Net;
using Gateway.Media.Net;

namespace Gateway.Media.Bridge;

/// <summary>Where and how the media plane listens. Bound from the "Media" configuration section.</summary>
public sealed class MediaEngineOptions
{
    /// <summary>Address the media sockets bind to.</summary>
    public IPAddress BindAddress { get; set; } = IPAddress.Loopback;

    /// <summary>Address written in SDP (c=, candidates) when the gateway is behind NAT; null means <see cref="BindAddress"/>.</summary>
    public IPAddress? PublicAddress { get; set; }

    /// <summary>Inclusive UDP port range for media sockets (a web port and an even/odd RTP/RTCP pair per session,
    /// fewer with <see cref="SharedWebPort"/>). 0..0 binds OS-chosen ephemeral ports (tests).</summary>
    public int PortMin { get; set; } = 20000;
    public int PortMax { get; set; } = 29999;

    /// <summary>When set, every web leg shares this one UDP port (demultiplexed by ICE ufrag and address); 0 means a port per call.</summary>
    public int SharedWebPort { get; set; }

    /// <summary>No RTP from either leg for this long ends the call (RTP inactivity).</summary>
    public TimeSpan RtpTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for ICE + DTLS to complete after the web leg is configured.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How the sockets are read and written: batched media threads (Linux) or a receive loop per socket.</summary>
    public MediaIoMode IoMode { get; set; } = MediaIoMode.Auto;

    /// <summary>Batched mode: media threads (each owns a share of the sockets); 0 means one per core.</summary>
    public int IoThreads { get; set; }

    /// <summary>Batched mode: a busy media thread waits again at most once per tick (wake-ups per second are bounded by
    /// 1/tick whatever the packet rate; a packet arriving meanwhile waits up to one tick). Zero: wake per readiness.</summary>
    public TimeSpan IoTick { get; set; } = DefaultIoTick;

    /// <summary>The <see cref="IoTick"/> used unless configured.</summary>
    public static readonly TimeSpan DefaultIoTick = TimeSpan.FromMilliseconds(1);

    /// <summary>Opus encoder complexity of transcoded calls, 0 (cheapest) to 10 (best); 5 by default.</summary>
    public int OpusComplexity { get; set; } = Transcoding.OpusCodecProvider.DefaultComplexity;

    /// <summary>Opus implementation of transcoded calls: native libopus when it loads (auto) or always the managed one.</summary>
    public Transcoding.OpusLibrary OpusLibrary { get; set; } = Transcoding.OpusLibrary.Auto;

    /// <summary>Conference rooms (dialplan <c>app: conference</c>): mix rate (16000 or 48000), participants per room, rooms
    /// at once, join/leave tones.</summary>
    public int ConferenceSampleRate { get; set; } = 16000;
    public int ConferenceMaxParticipants { get; set; } = 50;
    public int ConferenceMaxRooms { get; set; } = 100;
    public bool ConferenceTones { get; set; } = true;

    /// <summary>The conference settings as the mixer takes them.</summary>
    public Conference.ConferenceOptions Conference => new()
    {
        SampleRate = ConferenceSampleRate, MaxParticipants = ConferenceMaxParticipants, MaxRooms = ConferenceMaxRooms, Tones = ConferenceTones,
    };

    /// <summary>Largest accepted <see cref="IoThreads"/> and <see cref="IoTick"/>.</summary>
    public const int MaxIoThreads = 64;
    public static readonly TimeSpan MaxIoTick = TimeSpan.FromMilliseconds(10);

    /// <summary>What is wrong with these options, or null (checked when the engine starts).</summary>
    public string? Validate()
    {
        if (!Enum.IsDefined(IoMode)) return $"Media:IoMode {IoMode} is not auto, batched or portable";
        if (IoMode == MediaIoMode.Batched && !Net.Batched.LinuxSockets.Supported)
            return "Media:IoMode batched needs 64-bit Linux (x64 or arm64); use auto or portable";
        if (IoThreads < 0 || IoThreads > MaxIoThreads) return $"Media:IoThreads {IoThreads} is outside 0-{MaxIoThreads}";
        if (IoTick < TimeSpan.Zero || IoTick > MaxIoTick) return $"Media:IoTick {IoTick} is outside 0-{MaxIoTick}";
        if (OpusComplexity is < 0 or > 10) return $"Media:OpusComplexity {OpusComplexity} is outside 0-10";
        if (!Enum.IsDefined(OpusLibrary)) return $"Media:OpusLibrary {OpusLibrary} is not auto or managed";
        if (ConferenceSampleRate is not (16000 or 48000)) return $"Media:ConferenceSampleRate {ConferenceSampleRate} is not 16000 or 48000";
        if (ConferenceMaxParticipants is < 2 or > 1000) return $"Media:ConferenceMaxParticipants {ConferenceMaxParticipants} is outside 2-1000";
        if (ConferenceMaxRooms is < 1 or > 10000) return $"Media:ConferenceMaxRooms {ConferenceMaxRooms} is outside 1-10000";
        // A setting that would do nothing is refused rather than silently ignored.
        if (IoMode == MediaIoMode.Portable && (IoThreads != 0 || IoTick != DefaultIoTick))
            return "Media:IoThreads and Media:IoTick apply to the batched I/O mode only: remove them or set Media:IoMode to auto or batched";
        return null;
    }

    /// <summary>The mode <see cref="MediaIoMode.Auto"/> stands for here.</summary>
    public MediaIoMode EffectiveIoMode => IoMode != MediaIoMode.Auto ? IoMode
        : Net.Batched.LinuxSockets.Supported ? MediaIoMode.Batched : MediaIoMode.Portable;
}
