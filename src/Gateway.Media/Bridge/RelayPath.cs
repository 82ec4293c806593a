using Gateway.Media.Rtp;

namespace Gateway.Media.Bridge;

/// <summary>
/// One relay direction: which payload types may cross (the negotiated codec and telephone-event, nothing else) and the
/// <see cref="RtpRewriter"/> that gives the output stream our SSRC and continuous numbering (RFC 3550 §7.2).
/// Used by one loop at a time; re-mapping on a re-INVITE only flips table entries.
/// </summary>
internal sealed class RelayPath(uint outputSsrc, uint timestampStep)
{
    private readonly bool[] _allowed = new bool[128];

    public RtpRewriter Rewriter { get; } = new(outputSsrc, timestampStep);
    public uint TimestampStep => timestampStep;

    public void Map(int input, int output)
    {
        if ((uint)input > 127 || (uint)output > 127) return;
        Rewriter.MapPayloadType((byte)input, (byte)output);
        _allowed[input] = true;
    }

    public void ClearMap() => Array.Clear(_allowed);

    /// <summary>Rewrites in place; false if the payload type is not bridged or the packet is not RTP.</summary>
    public bool Rewrite(Span<byte> rtp) => rtp.Length >= 12 && _allowed[rtp[1] & 0x7F] && Rewriter.Rewrite(rtp);
}
