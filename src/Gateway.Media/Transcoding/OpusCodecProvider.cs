using Concentus;
using Concentus.Enums;

namespace Gateway.Media.Transcoding;

/// <summary>
/// Creates the Opus encoders and decoders of transcoded calls: 48 kHz mono, 20 ms frames (RFC 7587 §4.2), at one
/// complexity. Which implementation (native libopus or managed Concentus) is probed once, when the engine starts.
/// </summary>
public sealed class OpusCodecProvider
{
    public const int SampleRate = 48000;
    public const int FrameSamples = 960; // 20 ms at 48 kHz
    public const int DefaultComplexity = 5;

    public OpusCodecProvider(OpusLibrary library = OpusLibrary.Auto, int complexity = DefaultComplexity)
    {
        if (complexity is < 0 or > 10) throw new ArgumentOutOfRangeException(nameof(complexity), "Opus complexity is 0-10");
        Complexity = complexity;
        string version = "";
        Backend = library == OpusLibrary.Auto && NativeLoads(out version) ? OpusBackend.Native : OpusBackend.Managed;
        Version = Backend == OpusBackend.Native ? version : "Concentus (managed)";
    }

    public OpusBackend Backend { get; }
    public int Complexity { get; }
    /// <summary>The library's version string, for the start-up log.</summary>
    public string Version { get; }

    /// <summary>An encoder for audio from <paramref name="source"/>: the coded bandwidth stops where the source's does
    /// (G.711 narrowband, G.722 wideband), which costs less CPU and fewer bits than coding empty high bands.</summary>
    internal IOpusEncoder CreateEncoder(AudioCodec source = AudioCodec.Opus)
    {
        IOpusEncoder encoder = Backend == OpusBackend.Native
            ? OpusCodecFactory.CreateEncoder(SampleRate, 1, OpusApplication.OPUS_APPLICATION_VOIP)
#pragma warning disable CS0618 // the managed port on purpose (Media:OpusLibrary managed), not the factory's choice
            : new Concentus.Structs.OpusEncoder(SampleRate, 1, OpusApplication.OPUS_APPLICATION_VOIP);
#pragma warning restore CS0618
        encoder.Complexity = Complexity;
        encoder.Bitrate = 32000;
        encoder.SignalType = OpusSignal.OPUS_SIGNAL_VOICE;
        encoder.MaxBandwidth = source switch
        {
            AudioCodec.Pcmu or AudioCodec.Pcma => OpusBandwidth.OPUS_BANDWIDTH_NARROWBAND,
            AudioCodec.G722 => OpusBandwidth.OPUS_BANDWIDTH_WIDEBAND,
            _ => OpusBandwidth.OPUS_BANDWIDTH_FULLBAND,
        };
        // RFC 7587 §3.3: in-band FEC lets the receiver rebuild a lost frame from the next packet; it needs a loss estimate.
        encoder.UseInbandFEC = true;
        encoder.PacketLossPercent = 5;
        return encoder;
    }

#pragma warning disable CS0618 // as above
    internal IOpusDecoder CreateDecoder() => Backend == OpusBackend.Native
        ? OpusCodecFactory.CreateDecoder(SampleRate, 1)
        : new Concentus.Structs.OpusDecoder(SampleRate, 1);
#pragma warning restore CS0618

    private static bool NativeLoads(out string version)
    {
        version = "";
        try
        {
            var probe = OpusCodecFactory.CreateDecoder(SampleRate, 1);
            // The factory falls back to the managed decoder silently: the native one is the other type.
            if (probe is Concentus.Structs.OpusDecoder) return false;
            version = probe.GetVersionString();
            (probe as IDisposable)?.Dispose();
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or TypeInitializationException)
        {
            return false;
        }
    }
}
