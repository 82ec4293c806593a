using Gateway.Media.Transcoding;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Media.Conference;

/// <summary>
/// The process's conference rooms by name. A room opens with its first participant and ends with its last (its mix timer
/// stops); at most <see cref="ConferenceOptions.MaxRooms"/> rooms of at most <see cref="ConferenceOptions.MaxParticipants"/>
/// each. Joins and leaves take one lock (they are rare; the mix never takes it). Thread-safe.
/// </summary>
public sealed partial class ConferenceRooms
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ConferenceRoom> _rooms = new(StringComparer.Ordinal);
    private readonly ConferenceOptions _options;
    private readonly OpusCodecProvider _opus;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly bool _runTimers;
    private int _participants;

    /// <param name="runTimers">False for tests and benchmarks that call each room's mix themselves.</param>
    public ConferenceRooms(ConferenceOptions options, OpusCodecProvider opus, TimeProvider? time = null, ILogger? logger = null, bool runTimers = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } invalid) throw new ArgumentException(invalid, nameof(options));
        _options = options;
        _opus = opus;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _runTimers = runTimers;
    }

    public ConferenceOptions Options => _options;

    public int RoomCount
    {
        get { lock (_gate) return _rooms.Count; }
    }

    public int ParticipantCount => Volatile.Read(ref _participants);

    /// <summary>The open room called <paramref name="name"/>, or null.</summary>
    public ConferenceRoom? Find(string name)
    {
        lock (_gate) return _rooms.GetValueOrDefault(name);
    }

    /// <summary>
    /// Joins <paramref name="room"/> (opening it) with a leg of <paramref name="codec"/> whose mix goes to
    /// <paramref name="output"/>; <paramref name="onDigit"/> hears its RFC 4733 digits (on its receive thread).
    /// </summary>
    public ConferenceError Join(string room, ConferenceCodec codec, IConferenceOutput output, Action<char>? onDigit, uint ssrc,
        out ConferenceParticipant? participant)
    {
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentNullException.ThrowIfNull(output);
        participant = null;
        if (string.IsNullOrWhiteSpace(room) || room.Length > _options.MaxRoomName) return ConferenceError.BadRoomName;
        if (!codec.IsMixable) return ConferenceError.UnsupportedCodec;
        lock (_gate)
        {
            if (!_rooms.TryGetValue(room, out var target))
            {
                if (_rooms.Count >= _options.MaxRooms)
                {
                    Log.TooManyRooms(_logger, room, _options.MaxRooms);
                    return ConferenceError.TooManyRooms;
                }
                target = new ConferenceRoom(room, _options, _time, _runTimers);
                _rooms[room] = target;
                Log.Opened(_logger, room, _options.SampleRate);
            }
            else if (target.Count >= _options.MaxParticipants)
            {
                Log.RoomFull(_logger, room, _options.MaxParticipants);
                return ConferenceError.RoomFull;
            }
            var input = new ConferenceInput(codec, ConferenceCodecs.Decoder(codec.Codec, _opus), target.SampleRate, onDigit);
            var own = NewEncoder(codec.Codec, target.SampleRate);
            var shared = target.SharedEncoder(codec.Codec) ?? NewEncoder(codec.Codec, target.SampleRate);
            participant = new ConferenceParticipant(target, codec, input, own, output, ssrc);
            target.Add(participant, shared, tone: _options.Tones);
            _participants++;
            Log.Joined(_logger, room, codec.Codec, target.Count);
            return ConferenceError.None;
        }
    }

    /// <summary>Takes <paramref name="participant"/> out of its room; the room ends when it was the last one. Idempotent.</summary>
    public void Leave(ConferenceParticipant participant)
    {
        ArgumentNullException.ThrowIfNull(participant);
        lock (_gate)
        {
            if (participant.Left) return;
            participant.Left = true;
            _participants--;
            var room = participant.Room;
            room.Remove(participant, tone: _options.Tones && room.Count > 1);
            Log.Left(_logger, room.Name, room.Count);
            if (room.Count > 0) return;
            room.Stop();
            _rooms.Remove(room.Name);
            Log.Closed(_logger, room.Name, room.Ticks);
        }
    }

    private ConferenceEncoder NewEncoder(AudioCodec codec, int rate) => new(ConferenceCodecs.Encoder(codec, _opus, rate), rate);

    private static partial class Log
    {
        [LoggerMessage(EventId = 6270, Level = LogLevel.Information, Message = "conference {Room}: opened, mixing at {Rate} Hz")]
        public static partial void Opened(ILogger logger, string room, int rate);

        [LoggerMessage(EventId = 6271, Level = LogLevel.Information, Message = "conference {Room}: a {Codec} participant joined ({Count} in the room)")]
        public static partial void Joined(ILogger logger, string room, AudioCodec codec, int count);

        [LoggerMessage(EventId = 6272, Level = LogLevel.Information, Message = "conference {Room}: a participant left ({Count} in the room)")]
        public static partial void Left(ILogger logger, string room, int count);

        [LoggerMessage(EventId = 6273, Level = LogLevel.Information, Message = "conference {Room}: ended after {Ticks} mix ticks")]
        public static partial void Closed(ILogger logger, string room, long ticks);

        [LoggerMessage(EventId = 6274, Level = LogLevel.Warning, Message = "conference {Room}: full ({Max} participants), join refused")]
        public static partial void RoomFull(ILogger logger, string room, int max);

        [LoggerMessage(EventId = 6275, Level = LogLevel.Warning, Message = "conference {Room}: {Max} rooms open already, join refused")]
        public static partial void TooManyRooms(ILogger logger, string room, int max);
    }
}
