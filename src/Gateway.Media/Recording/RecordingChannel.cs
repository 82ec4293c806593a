namespace Gateway.Media.Recording;

/// <summary>Which side of a call a recorded frame came from: the web side is the file's left channel, the SIP side the right.</summary>
public enum RecordingChannel
{
    Web = 0,
    Sip = 1,
}
