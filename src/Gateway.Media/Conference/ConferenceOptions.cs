namespace Gateway.Media.Conference;

/// <summary>
/// The conference mixer's limits and sound. Each room mixes at <see cref="SampleRate"/> (16 kHz wideband, enough for
/// G.711 and G.722; 48 kHz keeps Opus full band) in 20 ms ticks.
/// </summary>
public sealed record ConferenceOptions
{
    /// <summary>16000 or 48000.</summary>
    public int SampleRate { get; init; } = 16000;
    /// <summary>Participants per room; a join past it is refused.</summary>
    public int MaxParticipants { get; init; } = 50;
    /// <summary>Rooms open at once.</summary>
    public int MaxRooms { get; init; } = 100;
    /// <summary>Longest room name (the dialplan's room after pattern expansion).</summary>
    public int MaxRoomName { get; init; } = 64;
    /// <summary>Play a rising tone to the room when someone joins and a falling one when someone leaves.</summary>
    public bool Tones { get; init; } = true;

    /// <summary>An error message, or null when the options are usable.</summary>
    public string? Validate() =>
        SampleRate is not (16000 or 48000) ? "the conference sample rate must be 16000 or 48000"
        : MaxParticipants is < 2 or > 1000 ? "conference MaxParticipants must be 2-1000"
        : MaxRooms is < 1 or > 10000 ? "conference MaxRooms must be 1-10000"
        : MaxRoomName is < 1 or > 256 ? "conference MaxRoomName must be 1-256"
        : null;
}
