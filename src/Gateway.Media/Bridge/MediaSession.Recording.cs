using Gateway.Media.Recording;

namespace Gateway.Media.Bridge;

/// <summary>The relay's tap for call recording: both legs' audio in the SIP side's payload types, handed to a <see cref="CallRecording"/>.</summary>
public sealed partial class MediaSession
{
    private volatile CallRecording? _recording;

    /// <summary>Starts handing this call's audio to <paramref name="recording"/>; the session stops it when it ends.</summary>
    public void StartRecording(CallRecording recording)
    {
        ArgumentNullException.ThrowIfNull(recording);
        Interlocked.Exchange(ref _recording, recording)?.Stop();
    }

    /// <summary>Stops the recording, if any (the writer then closes its file).</summary>
    public void StopRecording() => Interlocked.Exchange(ref _recording, null)?.Stop();
}
