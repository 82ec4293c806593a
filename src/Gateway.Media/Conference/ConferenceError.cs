namespace Gateway.Media.Conference;

/// <summary>Why a participant could not join a room.</summary>
public enum ConferenceError
{
    None,
    /// <summary>The room holds <see cref="ConferenceOptions.MaxParticipants"/> already.</summary>
    RoomFull,
    /// <summary><see cref="ConferenceOptions.MaxRooms"/> rooms are open already.</summary>
    TooManyRooms,
    /// <summary>The leg's codec is not one the mixer decodes (G.711, G.722, Opus).</summary>
    UnsupportedCodec,
    /// <summary>An empty or overlong room name.</summary>
    BadRoomName,
}
