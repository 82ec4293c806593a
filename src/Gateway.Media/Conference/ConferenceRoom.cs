using Gateway.Media.Transcoding;

namespace Gateway.Media.Conference;

/// <summary>
/// One room: every 20 ms (a timer on the injected <see cref="TimeProvider"/>) each participant's frame is read, the
/// unmuted ones are summed with the room's cue tone, and each participant is sent mix-minus: the sum without its own
/// frame, so nobody hears itself. Participants that contribute nothing (muted) hear the full mix, which is encoded once
/// per codec and shared. Members change under <see cref="ConferenceRooms"/>'s lock by swapping an array the mix thread
/// reads; the tick itself takes no lock and allocates nothing (buffers sized at creation). A late timer catches up at
/// most 3 ticks, a slow tick never overlaps the next.
/// </summary>
public sealed class ConferenceRoom
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(20);
    private const int MaxCatchUp = 3;

    private readonly TimeProvider _time;
    private readonly int[] _mix;
    private readonly short[] _pcm;
    private readonly ConferenceEncoder?[] _shared = new ConferenceEncoder?[Enum.GetValues<AudioCodec>().Length];
    private readonly short[] _joinTone, _leaveTone;
    private readonly ITimer? _timer;
    private volatile ConferenceParticipant[] _participants = [];
    private short[]? _tone;
    private int _tonePosition, _toneRequest, _busy;
    private long _startedAt;

    internal ConferenceRoom(string name, ConferenceOptions options, TimeProvider time, bool runTimer)
    {
        Name = name;
        SampleRate = options.SampleRate;
        FrameSamples = options.SampleRate / 50;
        _time = time;
        _mix = new int[FrameSamples];
        _pcm = new short[FrameSamples];
        _joinTone = ConferenceTones.Join(SampleRate);
        _leaveTone = ConferenceTones.Leave(SampleRate);
        _startedAt = time.GetTimestamp();
        if (runTimer) _timer = time.CreateTimer(static s => ((ConferenceRoom)s!).OnTimer(), this, Period, Period);
    }

    public string Name { get; }
    public int SampleRate { get; }
    public int FrameSamples { get; }
    public int Count => _participants.Length;
    /// <summary>Mix ticks run so far.</summary>
    public long Ticks { get; private set; }
    /// <summary>Encoder runs in all, shared ones counted once per tick (the benchmark's and the tests' measure).</summary>
    public long Encodes;

    internal IReadOnlyList<ConferenceParticipant> Participants => _participants;

    // ---- membership: under ConferenceRooms' lock ----

    internal void Add(ConferenceParticipant participant, ConferenceEncoder shared, bool tone)
    {
        _shared[(int)participant.Codec.Codec] ??= shared;
        _participants = [.. _participants, participant];
        if (tone) Volatile.Write(ref _toneRequest, 1);
    }

    /// <summary>The shared full-mix encoder of <paramref name="codec"/>, if the room has one yet.</summary>
    internal ConferenceEncoder? SharedEncoder(AudioCodec codec) => _shared[(int)codec];

    internal void Remove(ConferenceParticipant participant, bool tone)
    {
        _participants = [.. _participants.Where(p => p != participant)];
        if (tone) Volatile.Write(ref _toneRequest, 2);
    }

    internal void Stop() => _timer?.Dispose();

    // ---- the mix thread ----

    private void OnTimer()
    {
        if (Interlocked.Exchange(ref _busy, 1) != 0) return;
        try
        {
            long now = _time.GetTimestamp();
            long due = (long)(_time.GetElapsedTime(_startedAt, now) / Period) - Ticks;
            for (long i = 0; i < Math.Min(due, MaxCatchUp); i++) Mix();
            if (due > MaxCatchUp) _startedAt += (due - MaxCatchUp) * Period.Ticks * _time.TimestampFrequency / TimeSpan.TicksPerSecond; // stalled: skip, do not burst
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>One 20 ms tick: read, sum, send each participant its mix (tests and the benchmark call it directly).</summary>
    internal void Mix()
    {
        long tick = Ticks++;
        var participants = _participants;
        var mix = _mix.AsSpan();
        mix.Clear();
        foreach (var p in participants)
        {
            p.MutedThisTick = p.Muted; // read once: a mute arriving mid-tick never lets anyone hear itself
            p.HasFrame = p.Input.Ring.TryRead(p.Frame) && !p.MutedThisTick;
            if (p.HasFrame) Add(mix, p.Frame);
        }
        AddTone(mix);
        foreach (var p in participants)
        {
            ConferenceEncoder encoder;
            if (p.MutedThisTick && _shared[(int)p.Codec.Codec] is { } shared)
            {
                encoder = shared;
                if (shared.EncodedTick != tick) { Clamp(mix, default, _pcm); Encode(shared, tick); }
            }
            else
            {
                encoder = p.Own;
                Clamp(mix, p.HasFrame ? p.Frame : default, _pcm);
                Encode(encoder, tick);
            }
            p.Send(encoder);
        }
    }

    private void Encode(ConferenceEncoder encoder, long tick)
    {
        encoder.Encode(_pcm, tick);
        Encodes++;
    }

    private static void Add(Span<int> mix, ReadOnlySpan<short> frame)
    {
        for (int i = 0; i < mix.Length; i++) mix[i] += frame[i];
    }

    /// <summary>mix - own (own empty: the full mix), saturated to 16 bits.</summary>
    private static void Clamp(ReadOnlySpan<int> mix, ReadOnlySpan<short> own, Span<short> output)
    {
        if (own.IsEmpty)
            for (int i = 0; i < mix.Length; i++) output[i] = (short)Math.Clamp(mix[i], short.MinValue, short.MaxValue);
        else
            for (int i = 0; i < mix.Length; i++) output[i] = (short)Math.Clamp(mix[i] - own[i], short.MinValue, short.MaxValue);
    }

    private void AddTone(Span<int> mix)
    {
        switch (Interlocked.Exchange(ref _toneRequest, 0))
        {
            case 1: _tone = _joinTone; _tonePosition = 0; break;
            case 2: _tone = _leaveTone; _tonePosition = 0; break;
        }
        if (_tone is not { } tone) return;
        int n = Math.Min(mix.Length, tone.Length - _tonePosition);
        Add(mix[..n], tone.AsSpan(_tonePosition, n));
        _tonePosition += n;
        if (_tonePosition >= tone.Length) _tone = null;
    }
}
