using Gateway.Media.Bridge;
using Gateway.Media.Recording;

namespace Gateway.Server.Observability;

/// <summary>The media applications' state at scrape time: conference rooms and their participants, call recordings.</summary>
internal readonly record struct AppTotals(int ConferenceRooms, int ConferenceParticipants, int RecordingsActive, long RecordingsWritten, long RecordingFramesDropped)
{
    /// <summary>Zeros for what is not registered (no media engine, recording not configured) or during shutdown.</summary>
    public static AppTotals Read(IServiceProvider services)
    {
        try
        {
            var rooms = services.GetService<MediaEngine>()?.Conferences;
            var recorder = services.GetService<MediaRecorder>();
            return new(rooms?.RoomCount ?? 0, rooms?.ParticipantCount ?? 0, recorder?.ActiveCount ?? 0, recorder?.WrittenCount ?? 0, recorder?.DroppedFrames ?? 0);
        }
        catch (Exception e) when (e is NotImplementedException or ObjectDisposedException)
        {
            return default;
        }
    }
}
