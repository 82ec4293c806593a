namespace Gateway.Server.Recording;

/// <summary>The "Recording" section: where recorded calls go and how many may be recorded at once (dialplan/README.md "Recording").</summary>
public sealed class RecordingOptions
{
    public const string Section = "Recording";

    /// <summary>Folder of the WAV files, relative to the working directory unless rooted; created on the first recording.</summary>
    public string Folder { get; set; } = "recordings";
    /// <summary>Calls recorded at once; a call past it goes unrecorded and is logged.</summary>
    public int MaxConcurrent { get; set; } = 100;
}
