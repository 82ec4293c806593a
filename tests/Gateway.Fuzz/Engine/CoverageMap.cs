using System.Runtime.InteropServices;
using SharpFuzz.Common;

namespace Gateway.Fuzz.Engine;

/// <summary>
/// The AFL edge map that SharpFuzz-instrumented code writes into (<see cref="Trace.SharedMem"/>, 64 KiB): cleared
/// before each input, then compared with the edges seen so far, hit counts bucketed as AFL does (1, 2, 3, 4-7, 8-15,
/// 16-31, 32-127, 128+), so an input is kept when it reaches a new edge or a new loop count.
/// </summary>
public sealed unsafe class CoverageMap : IDisposable
{
    public const int Size = 1 << 16;
    private readonly byte* _trace;
    private readonly byte[] _virgin = new byte[Size];
    private static readonly byte[] Buckets = BuildBuckets();

    public CoverageMap()
    {
        _trace = (byte*)NativeMemory.AllocZeroed(Size);
        Array.Fill(_virgin, (byte)0xFF);
        Trace.SharedMem = _trace;
        Trace.PrevLocation = 0;
    }

    /// <summary>Edges seen at least once.</summary>
    public int EdgeCount { get; private set; }

    public void Reset()
    {
        NativeMemory.Clear(_trace, Size);
        Trace.PrevLocation = 0;
    }

    /// <summary>True when the last run reached an edge or bucket not seen before; records it as seen.</summary>
    public bool TakeNewCoverage()
    {
        var words = (ulong*)_trace;
        var found = false;
        for (var w = 0; w < Size / 8; w++)
        {
            if (words[w] == 0) continue;
            for (var i = w * 8; i < w * 8 + 8; i++)
            {
                var hits = _trace[i];
                if (hits == 0) continue;
                var bucket = Buckets[hits];
                if ((_virgin[i] & bucket) == 0) continue;
                if (_virgin[i] == 0xFF) EdgeCount++;
                _virgin[i] &= (byte)~bucket;
                found = true;
            }
        }
        return found;
    }

    private static byte[] BuildBuckets()
    {
        var buckets = new byte[256];
        for (var hits = 1; hits < 256; hits++)
            buckets[hits] = hits switch { 1 => 1, 2 => 2, 3 => 4, <= 7 => 8, <= 15 => 16, <= 31 => 32, <= 127 => 64, _ => 128 };
        return buckets;
    }

    public void Dispose()
    {
        Trace.SharedMem = null;
        NativeMemory.Free(_trace);
    }
}
