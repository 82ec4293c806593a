namespace Gateway.Server.Calls;

/// <summary>
/// An app call's place in a conference room (its sub-state while in one): mute and unmute (the protocol's
/// <c>mute</c>/<c>unmute</c>), and <c>*6</c> toggling mute, from RFC 4733 events of either leg or the protocol's
/// <c>dtmf</c>. Loop only.
/// </summary>
internal sealed class ConferenceSeat(ICallMedia media)
{
    private char _previous;

    public bool Muted
    {
        get => media.ConferenceMuted;
        set => media.ConferenceMuted = value;
    }

    /// <summary>One digit; true when it completed <c>*6</c> and mute was toggled.</summary>
    public bool OnDigit(char digit)
    {
        var toggle = _previous == '*' && digit == '6';
        _previous = toggle ? '\0' : digit;
        if (toggle) Muted = !Muted;
        return toggle;
    }
}

/// <summary>An RFC 4733 digit from a conference participant's leg (refusable: the peer sends them).</summary>
internal sealed record ConferenceDigit(char Digit) : CallEvent;
