using System.Net;
using Gateway.Media.Conference;

namespace Gateway.Media.Bridge;

/// <summary>
/// A session in a conference room: one of its legs (the browser's, or a SIP caller's) is a participant of the engine's
/// <see cref="ConferenceRooms"/>. Its RTP goes to the room's mix instead of the relay; the room sends it mix-minus.
/// </summary>
public sealed partial class MediaSession
{
    private volatile ConferenceParticipant? _participant;
    private MediaAppLeg _participantLeg;

    /// <summary>A SIP caller answered by the gateway itself (an application): where its RTP comes from and goes.</summary>
    public void ConfigureSipApp(IPEndPoint remote, int clockRate)
    {
        ArgumentNullException.ThrowIfNull(remote);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        Sip.Counters.SetClockRate((uint)Math.Max(1, clockRate));
        Sip.Configure(remote, null);
        Interlocked.CompareExchange(ref _rtpClockStart, NonZeroNow(), 0);
    }

    /// <summary>
    /// Joins <paramref name="room"/> with <paramref name="leg"/> in <paramref name="codec"/>; <paramref name="onDigit"/> hears
    /// the leg's RFC 4733 digits (on its receive thread). Once per session.
    /// </summary>
    public ConferenceError JoinConference(string room, ConferenceCodec codec, MediaAppLeg leg, Action<char>? onDigit)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_participant is not null) throw new InvalidOperationException("already in a conference");
        var output = AppLegOutput.For(this, leg, _engine.CountRelayed);
        var error = _engine.Conferences.Join(room, codec, output, onDigit, output.Ssrc, out var participant);
        if (error != ConferenceError.None) return error;
        _participantLeg = leg;
        _participant = participant;
        return error;
    }

    /// <summary>Whether the session's participant is muted (out of the others' mix); false outside a conference.</summary>
    public bool ConferenceMuted
    {
        get => _participant?.Muted ?? false;
        set
        {
            if (_participant is { } p) p.Muted = value;
        }
    }

    /// <summary>Leaves the room (the session's end does it too).</summary>
    public void LeaveConference()
    {
        if (Interlocked.Exchange(ref _participant, null) is { } p) _engine.Conferences.Leave(p);
    }
}
