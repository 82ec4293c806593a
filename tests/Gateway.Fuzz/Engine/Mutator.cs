using System.Buffers.Binary;
using System.Text;

namespace Gateway.Fuzz.Engine;

/// <summary>
/// AFL-style havoc: a stack of 1 to 32 random edits on a copy of a corpus entry (bit flips, interesting values, block
/// delete/clone/overwrite, dictionary tokens, ASCII numbers, splicing with another entry). Seeded, so a run repeats.
/// </summary>
public sealed class Mutator(Random random, IReadOnlyList<byte[]> dictionary, int maxLength)
{
    private static readonly sbyte[] Interesting8 = [-128, -1, 0, 1, 16, 32, 64, 100, 127];
    private static readonly short[] Interesting16 = [-32768, -129, 128, 255, 256, 512, 1000, 1024, 4096, 32767];
    private static readonly int[] Interesting32 = [int.MinValue, -100663046, -32769, 32768, 65535, 65536, 100663045, int.MaxValue];
    private static readonly string[] Numbers = ["0", "-1", "1", "65535", "65536", "2147483647", "2147483648", "4294967295", "4294967296", "99999999999999999999", "007"];

    public byte[] Mutate(byte[] parent, byte[] other)
    {
        var data = new List<byte>(parent);
        var edits = 1 << random.Next(6);
        for (var e = 0; e < edits; e++) Edit(data, other);
        if (data.Count > maxLength) data.RemoveRange(maxLength, data.Count - maxLength);
        return [.. data];
    }

    private void Edit(List<byte> d, byte[] other)
    {
        var choice = random.Next(dictionary.Count > 0 ? 16 : 12);
        if (d.Count == 0 && choice < 9) choice = 9;
        switch (choice)
        {
            case 0: d[At(d)] ^= (byte)(1 << random.Next(8)); break;
            case 1: d[At(d)] = (byte)random.Next(256); break;
            case 2: d[At(d)] = (byte)Interesting8[random.Next(Interesting8.Length)]; break;
            case 3: Write(d, BitConverter.GetBytes(random.Next(2) == 0 ? Interesting16[random.Next(Interesting16.Length)] : BinaryPrimitives.ReverseEndianness(Interesting16[random.Next(Interesting16.Length)]))); break;
            case 4: Write(d, BitConverter.GetBytes(random.Next(2) == 0 ? Interesting32[random.Next(Interesting32.Length)] : BinaryPrimitives.ReverseEndianness(Interesting32[random.Next(Interesting32.Length)]))); break;
            case 5: { var at = At(d); d[at] = (byte)(d[at] + random.Next(-35, 36)); break; }
            case 6: { var at = At(d); var n = BlockLength(d.Count - at); d.RemoveRange(at, n); break; }
            case 7: { var from = At(d); var n = BlockLength(d.Count - from); d.InsertRange(random.Next(d.Count + 1), d.GetRange(from, n)); break; }
            case 8: { var from = At(d); var n = BlockLength(d.Count - from); Write(d, [.. d.GetRange(from, n)]); break; }
            case 9: d.InsertRange(random.Next(d.Count + 1), RandomBytes()); break;
            case 10: Splice(d, other); break;
            case 11: if (d.Count > 0) { var cut = random.Next(d.Count); d.RemoveRange(cut, d.Count - cut); } break;
            case 12: d.InsertRange(random.Next(d.Count + 1), dictionary[random.Next(dictionary.Count)]); break;
            case 13: Write(d, dictionary[random.Next(dictionary.Count)]); break;
            case 14: ReplaceNumber(d); break;
            default: DuplicateLine(d); break;
        }
    }

    private int At(List<byte> d) => random.Next(d.Count);

    private int BlockLength(int available) => Math.Max(1, Math.Min(available, random.Next(4) == 0 ? random.Next(1, 256) : random.Next(1, 9)));

    private void Write(List<byte> d, byte[] bytes)
    {
        if (d.Count < bytes.Length) { d.InsertRange(random.Next(d.Count + 1), bytes); return; }
        var at = random.Next(d.Count - bytes.Length + 1);
        for (var i = 0; i < bytes.Length; i++) d[at + i] = bytes[i];
    }

    private byte[] RandomBytes()
    {
        var bytes = new byte[random.Next(1, random.Next(2) == 0 ? 4 : 64)];
        if (random.Next(2) == 0) Array.Fill(bytes, (byte)random.Next(256));
        else random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>AFL's splice: this entry's head and the other's tail, cut at random points.</summary>
    private void Splice(List<byte> d, byte[] other)
    {
        if (other.Length == 0) return;
        var cut = random.Next(d.Count + 1);
        d.RemoveRange(cut, d.Count - cut);
        d.AddRange(other.AsSpan(random.Next(other.Length)).ToArray());
    }

    /// <summary>Text protocols: an ASCII number (a port, a Content-Length, a payload type) becomes a boundary value.</summary>
    private void ReplaceNumber(List<byte> d)
    {
        if (d.Count == 0) return;
        var start = random.Next(d.Count);
        while (start < d.Count && d[start] is < (byte)'0' or > (byte)'9') start++;
        if (start == d.Count) return;
        var end = start;
        while (end < d.Count && d[end] is >= (byte)'0' and <= (byte)'9') end++;
        d.RemoveRange(start, end - start);
        d.InsertRange(start, Encoding.ASCII.GetBytes(Numbers[random.Next(Numbers.Length)]));
    }

    /// <summary>Text protocols: repeat one line (a header, an a= line) in place.</summary>
    private void DuplicateLine(List<byte> d)
    {
        if (d.Count == 0) return;
        var start = d.LastIndexOf((byte)'\n', random.Next(d.Count)) + 1;
        var end = d.IndexOf((byte)'\n', start);
        if (end < 0) return;
        d.InsertRange(start, d.GetRange(start, end - start + 1));
    }
}
