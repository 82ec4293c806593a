namespace Gateway.Media.Srtp;

/// <summary>
/// The receiver's replay list (RFC 3711 §3.3.2) as a 64-packet sliding window over the packet index:
/// an index above the highest seen is new; within 64 below it, new unless its bit is set; further behind, too old.
/// </summary>
internal struct SrtpReplayWindow
{
    public const int Size = 64;
    private ulong _bitmap;
    private bool _started;

    public ulong Highest { get; private set; }

    public readonly SrtpError Check(ulong index)
    {
        if (!_started || index > Highest) return SrtpError.None;
        var delta = Highest - index;
        if (delta >= Size) return SrtpError.TooOld;
        return (_bitmap & (1UL << (int)delta)) != 0 ? SrtpError.Replayed : SrtpError.None;
    }

    /// <summary>Records an index whose packet authenticated.</summary>
    public void Accept(ulong index)
    {
        if (!_started)
        {
            _started = true;
            Highest = index;
            _bitmap = 1;
            return;
        }
        if (index > Highest)
        {
            var shift = index - Highest;
            _bitmap = shift >= Size ? 1 : (_bitmap << (int)shift) | 1;
            Highest = index;
        }
        else _bitmap |= 1UL << (int)(Highest - index);
    }
}
