using Gateway.Media.Codecs;

namespace Gateway.Media.Bridge;

/// <summary>
/// Sends API-requested digits to the trunk as RFC 4733 events at the SIP leg's clock, one packet per 20 ms
/// (§2.5.1.2), the end packet three times (§2.5.1.4), 50 ms between digits. The events use their own SSRC and
/// numbering (a separate RTP stream, RFC 3550 §8), so the relay's audio numbering is never touched from this thread.
/// Calls are queued: digits of two calls never interleave.
/// </summary>
internal sealed class DtmfToSip(RtpLeg sip, TimeProvider time)
{
    private static readonly TimeSpan PacketInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan InterDigitGap = TimeSpan.FromMilliseconds(50);

    private readonly Lock _gate = new();
    private readonly uint _ssrc = (uint)Random.Shared.Next() | 1u;
    private Task _queue = Task.CompletedTask;
    private ushort _sequence = (ushort)Random.Shared.Next(0, 65536);
    private uint _timestamp = (uint)Random.Shared.Next();
    private int _stopped;

    public long PacketsSent;

    public Task Enqueue(string digits, int durationMs, int payloadType, int clockRate)
    {
        if (durationMs is < 40 or > 5000) throw new ArgumentOutOfRangeException(nameof(durationMs), "40..5000 ms");
        foreach (char c in digits)
            if (TelephoneEvent.FromDigit(c) < 0) throw new ArgumentException($"'{c}' is not a DTMF digit (0-9 * # A-D)", nameof(digits));
        var sender = new DtmfSender((byte)payloadType, _ssrc, clockRate);
        lock (_gate)
        {
            _queue = _queue.ContinueWith(_ => SendAsync(sender, digits, durationMs), CancellationToken.None,
                TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
            return _queue;
        }
    }

    private async Task SendAsync(DtmfSender sender, string digits, int durationMs)
    {
        var buffer = new byte[64];
        foreach (char digit in digits)
        {
            byte code = (byte)TelephoneEvent.FromDigit(digit);
            int packets = sender.PacketCount(durationMs);
            for (int i = 0; i < packets; i++)
            {
                if (Volatile.Read(ref _stopped) != 0) return;
                int n = sender.WritePacket(buffer, i, code, durationMs, _timestamp, _sequence);
                if (n > 0 && sip.SendOther(buffer.AsSpan(0, n))) PacketsSent++;
                if (i < packets - 1) await Task.Delay(PacketInterval, time).ConfigureAwait(false);
            }
            _sequence += (ushort)packets;
            // The next event starts after this one and the gap, on the same media clock (§2.5.1.1).
            _timestamp += (uint)(sender.DurationUnits(durationMs) + sender.DurationUnits((int)InterDigitGap.TotalMilliseconds));
            await Task.Delay(InterDigitGap, time).ConfigureAwait(false);
        }
    }

    public void Stop() => Volatile.Write(ref _stopped, 1);
}
