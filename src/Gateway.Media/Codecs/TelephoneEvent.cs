using System.Buffers.Binary;

namespace Gateway.Media.Codecs;

/// <summary>
/// RFC 4733 §2.3 telephone-event payload:
/// <code>
/// |     event     |E|R| volume    |          duration             |
/// </code>
/// Events 0-9 are digits, 10 '*', 11 '#', 12-15 'A'-'D' (§3.2).
/// </summary>
public readonly record struct TelephoneEvent(byte Event, bool End, byte Volume, ushort Duration)
{
    public const int Length = 4;

    public static bool TryParse(ReadOnlySpan<byte> payload, out TelephoneEvent value)
    {
        value = default;
        if (payload.Length < Length) return false;
        value = new TelephoneEvent(payload[0], (payload[1] & 0x80) != 0, (byte)(payload[1] & 0x3F),
            BinaryPrimitives.ReadUInt16BigEndian(payload.Slice(2)));
        return true;
    }

    public bool TryWrite(Span<byte> destination)
    {
        if (destination.Length < Length) return false;
        destination[0] = Event;
        destination[1] = (byte)((End ? 0x80 : 0) | (Volume & 0x3F));
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(2), Duration);
        return true;
    }

    /// <summary>Maps '0'-'9', '*', '#', 'A'-'D' to an event code; -1 if not a DTMF character.</summary>
    public static int FromDigit(char digit) => digit switch
    {
        >= '0' and <= '9' => digit - '0',
        '*' => 10,
        '#' => 11,
        >= 'A' and <= 'D' => 12 + digit - 'A',
        >= 'a' and <= 'd' => 12 + digit - 'a',
        _ => -1,
    };

    public static char ToDigit(int code) => code switch
    {
        >= 0 and <= 9 => (char)('0' + code),
        10 => '*',
        11 => '#',
        >= 12 and <= 15 => (char)('A' + code - 12),
        _ => '?',
    };
}
