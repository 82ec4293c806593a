using System.Buffers.Binary;
using Gateway.Media.Codecs;
using Gateway.Media.Recording;
using Gateway.Media.Tests.Bridge;
using Gateway.Media.Wav;

namespace Gateway.Media.Tests.Recording;

public sealed class CallRecordingTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "gw-rec-" + Guid.NewGuid().ToString("N"));
    private readonly ManualClock _clock = new();

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Two_sides_land_in_their_own_channels_with_their_tones()
    {
        await using var recorder = new MediaRecorder(_folder, 4, _clock, runLoop: false);
        var recording = recorder.Start("call.wav", 8000)!;

        Feed(recorder, recording, seconds: 2, webHz: 440, sipHz: 1000);
        recording.Stop();
        recorder.PumpAll();

        Assert.True(recording.IsClosed);
        Assert.Equal(0, recorder.ActiveCount);
        var (format, left, right) = ReadStereo(recording.Path);
        Assert.Equal((8000, 2), (format.SampleRate, format.Channels));
        Assert.InRange(left.Length, 15_800, 16_200);
        Assert.Equal(440, Tone.Dominant(left[1000..], 8000, [440, 1000]));
        Assert.Equal(1000, Tone.Dominant(right[1000..], 8000, [440, 1000]));
        Assert.InRange(Tone.Rms(left[1000..]), 3000, 9000);
    }

    [Fact]
    public async Task A_lost_frame_is_silence_in_its_place_and_the_audio_after_it_keeps_its_time()
    {
        await using var recorder = new MediaRecorder(_folder, 4, _clock, runLoop: false);
        var recording = recorder.Start("loss.wav", 8000)!;

        Feed(recorder, recording, seconds: 1, webHz: 440, sipHz: 1000, lose: frame => frame == 25);
        recording.Stop();
        recorder.PumpAll();

        var (_, left, right) = ReadStereo(recording.Path);
        Assert.Equal(8000, left.Length);
        Assert.True(Tone.Rms(left[(25 * 160)..(26 * 160)]) == 0, "the lost 20 ms are silent");
        Assert.True(Tone.Rms(left[(26 * 160)..(27 * 160)]) > 3000, "the next frame is where its timestamp puts it");
        Assert.True(Tone.Rms(right[(25 * 160)..(26 * 160)]) > 3000, "the other side is untouched");
    }

    [Fact]
    public async Task A_file_left_behind_mid_call_is_a_valid_wav_of_all_but_the_last_second()
    {
        await using var recorder = new MediaRecorder(_folder, 4, _clock, runLoop: false);
        var recording = recorder.Start("crash.wav", 8000)!;

        Feed(recorder, recording, seconds: 3, webHz: 440, sipHz: 1000);
        // No Stop: read the file as a crash would leave it.
        var bytes = File.ReadAllBytes(recording.Path);

        Assert.Equal(WavError.None, WavReader.TryRead(bytes, out var format, out var data));
        int seconds = data.Length / 4 / format.SampleRate;
        Assert.InRange(data.Length / 4, 2 * 8000 - 1, 3 * 8000);
        Assert.True(seconds >= 1);
    }

    [Fact]
    public async Task G722_is_recorded_at_16_kHz()
    {
        await using var recorder = new MediaRecorder(_folder, 4, _clock, runLoop: false);
        var recording = recorder.Start("wide.wav", 16000)!;
        var encoder = new G722Encoder();
        var pcm = new short[320];
        var coded = new byte[160];
        uint ts = 0;
        for (int frame = 0; frame < 50; frame++)
        {
            Tone.Fill(pcm, 16000, 3000, frame * 320);
            encoder.Encode(pcm, coded);
            recording.Capture(RecordingChannel.Sip, Rtp(9, (ushort)frame, ts, coded));
            ts += 160; // the 8 kHz RTP clock of G.722
            _clock.Advance(TimeSpan.FromMilliseconds(20));
            if (frame % 5 == 4) recorder.PumpAll();
        }
        recording.Stop();
        recorder.PumpAll();

        var (format, left, right) = ReadStereo(recording.Path);
        Assert.Equal(16000, format.SampleRate);
        Assert.InRange(right.Length, 15_900, 16_100);
        Assert.Equal(3000, Tone.Dominant(right[2000..], 16000, [1000, 3000]));
        Assert.Equal(0, Tone.Rms(left));
    }

    [Fact]
    public async Task A_writer_that_falls_behind_drops_and_counts_without_blocking()
    {
        await using var recorder = new MediaRecorder(_folder, 4, _clock, runLoop: false);
        var recording = recorder.Start("drops.wav", 8000)!;
        var payload = new byte[160];

        for (int i = 0; i < 100; i++) recording.Capture(RecordingChannel.Web, Rtp(0, (ushort)i, (uint)(i * 160), payload));

        Assert.Equal(36, recording.DroppedFrames);
        Assert.Equal(36, recorder.DroppedFrames);
        Assert.Equal((1, 0L), (recorder.ActiveCount, recorder.WrittenCount));
        recording.Stop();
        recorder.PumpAll();
        Assert.Equal((0, 1L, 36L), (recorder.ActiveCount, recorder.WrittenCount, recorder.DroppedFrames)); // kept past the call
    }

    [Fact]
    public async Task Past_the_limit_a_call_goes_unrecorded_and_a_bad_name_is_refused()
    {
        await using var recorder = new MediaRecorder(_folder, 1, _clock, runLoop: false);
        Assert.NotNull(recorder.Start("one.wav", 8000));
        Assert.Null(recorder.Start("two.wav", 8000));
        Assert.Throws<ArgumentException>(() => recorder.Start("../escape.wav", 8000));
    }

    [Fact]
    public async Task Capture_allocates_nothing()
    {
        await using var recorder = new MediaRecorder(_folder, 4, _clock, runLoop: false);
        var recording = recorder.Start("alloc.wav", 8000)!;
        var packet = Rtp(0, 1, 160, new byte[160]);
        recording.Capture(RecordingChannel.Web, packet);
        recorder.PumpAll();

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++) recording.Capture(RecordingChannel.Sip, packet);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>20 ms PCMU frames on both sides, the clock moving 20 ms a frame and the writer running every 100 ms.</summary>
    private void Feed(MediaRecorder recorder, CallRecording recording, int seconds, int webHz, int sipHz, Func<int, bool>? lose = null)
    {
        var pcm = new short[160];
        var coded = new byte[160];
        for (int frame = 0; frame < seconds * 50; frame++)
        {
            uint ts = 1000u + (uint)(frame * 160);
            Tone.Fill(pcm, 8000, webHz, frame * 160);
            G711MuLaw.Encode(pcm, coded);
            if (lose?.Invoke(frame) != true) recording.Capture(RecordingChannel.Web, Rtp(0, (ushort)frame, ts, coded));
            Tone.Fill(pcm, 8000, sipHz, frame * 160);
            G711MuLaw.Encode(pcm, coded);
            recording.Capture(RecordingChannel.Sip, Rtp(0, (ushort)frame, 77_000u + (uint)(frame * 160), coded));
            _clock.Advance(TimeSpan.FromMilliseconds(20));
            if (frame % 5 == 4) recorder.PumpAll();
        }
    }

    private static byte[] Rtp(byte payloadType, ushort sequence, uint timestamp, ReadOnlySpan<byte> payload)
    {
        var packet = new byte[12 + payload.Length];
        packet[0] = 0x80;
        packet[1] = payloadType;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), 0x1234);
        payload.CopyTo(packet.AsSpan(12));
        return packet;
    }

    private static (WavFormat Format, short[] Left, short[] Right) ReadStereo(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(WavError.None, WavReader.TryRead(bytes, out var format, out var data));
        int frames = data.Length / 4;
        var left = new short[frames];
        var right = new short[frames];
        for (int i = 0; i < frames; i++)
        {
            left[i] = BinaryPrimitives.ReadInt16LittleEndian(data.Slice(4 * i));
            right[i] = BinaryPrimitives.ReadInt16LittleEndian(data.Slice(4 * i + 2));
        }
        return (format, left, right);
    }
}
