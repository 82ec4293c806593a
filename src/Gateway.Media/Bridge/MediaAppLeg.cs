namespace Gateway.Media.Bridge;

/// <summary>Which leg of a session a built-in application (echo, playback, conference) serves: a browser or a SIP caller.</summary>
public enum MediaAppLeg
{
    Web,
    Sip,
}
