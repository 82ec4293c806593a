namespace Gateway.Media.Net.Batched;

/// <summary>Counters of the batched media threads since start: how often they woke, how many system calls they made
/// and how many datagrams those carried (datagrams per call = the batching achieved).</summary>
public readonly record struct MediaIoStats(long Wakeups, long Passes, long ReceiveCalls, long DatagramsReceived, long SendCalls,
    long DatagramsSent, long SendFailures)
{
    public static MediaIoStats operator +(MediaIoStats a, MediaIoStats b) => new(a.Wakeups + b.Wakeups, a.Passes + b.Passes,
        a.ReceiveCalls + b.ReceiveCalls, a.DatagramsReceived + b.DatagramsReceived, a.SendCalls + b.SendCalls,
        a.DatagramsSent + b.DatagramsSent, a.SendFailures + b.SendFailures);
}
