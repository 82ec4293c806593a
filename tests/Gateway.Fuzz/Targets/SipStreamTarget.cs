using System.Buffers;
using Gateway.Sip.Messages;

namespace Gateway.Fuzz.Targets;

/// <summary>
/// A TCP/TLS byte stream (RFC 3261 §18.3) cut into segments, framed message by message as the connection loop does.
/// The first input byte sets the segment size (so multi-segment sequences are exercised); the rest is the stream.
/// Checks the framer contract: NeedMore consumes nothing, every other outcome but Malformed moves forward.
/// </summary>
public static class SipStreamTarget
{
    public const string Name = "sip-stream";
    private const int MaxMessageSize = 16 * 1024;

    public static void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty) return;
        var segmentSize = (input[0] & 0x7F) is var s && s == 0 ? int.MaxValue : s * 3;
        var buffer = Segments.Build(input[1..], segmentSize);
        var framer = new SipStreamFramer(MaxMessageSize);
        while (!buffer.IsEmpty)
        {
            var result = framer.TryFrame(buffer, out var consumed, out var message, out _);
            var used = buffer.Slice(buffer.Start, consumed).Length;
            switch (result)
            {
                case SipFrameResult.NeedMore:
                    FuzzInvariant.Check(used == 0, "NeedMore consumed bytes");
                    return;
                case SipFrameResult.Malformed:
                    return; // the connection is closed
                case SipFrameResult.Complete:
                    FuzzInvariant.Check(message is not null, "Complete without a message");
                    SipMessageTarget.Touch(message!);
                    break;
            }
            FuzzInvariant.Check(used > 0, $"{result} consumed nothing: the connection loop would spin");
            buffer = buffer.Slice(consumed);
        }
    }
}

/// <summary>Builds a <see cref="ReadOnlySequence{T}"/> of fixed-size segments, as a pipe hands over socket reads.</summary>
public sealed class Segments : ReadOnlySequenceSegment<byte>
{
    private Segments(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public static ReadOnlySequence<byte> Build(ReadOnlySpan<byte> data, int segmentSize)
    {
        if (data.Length <= segmentSize) return new ReadOnlySequence<byte>(data.ToArray());
        var first = new Segments(data[..segmentSize].ToArray(), 0);
        var last = first;
        for (var at = segmentSize; at < data.Length; at += segmentSize)
        {
            var next = new Segments(data.Slice(at, Math.Min(segmentSize, data.Length - at)).ToArray(), at);
            last.Next = next;
            last = next;
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
