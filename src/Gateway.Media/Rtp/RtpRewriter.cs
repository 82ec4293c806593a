using System.Buffers.Binary;

namespace Gateway.Media.Rtp;

/// <summary>
/// Rewrites SSRC, sequence number, timestamp and payload type in place when bridging two legs
/// (RFC 3550 §7: a translator/mixer keeps each output stream's numbering continuous). When the input
/// SSRC changes (new source, re-INVITE), offsets are rebased so the output continues seamlessly.
/// No allocation per packet; one instance per output stream, used from one receive loop.
/// </summary>
public sealed class RtpRewriter
{
    private readonly byte[] _payloadTypeMap = new byte[128];
    private bool _started;
    private uint _inputSsrc;
    private ushort _seqOffset;
    private uint _tsOffset;
    private ushort _lastOutSeq;
    private uint _lastOutTs;

    /// <param name="outputSsrc">SSRC written into every packet.</param>
    /// <param name="timestampStep">Timestamp gap inserted on a source switch (e.g. 160 for 20 ms at 8 kHz).</param>
    public RtpRewriter(uint outputSsrc, uint timestampStep = 160)
    {
        OutputSsrc = outputSsrc;
        TimestampStep = timestampStep;
        for (int i = 0; i < 128; i++) _payloadTypeMap[i] = (byte)i;
    }

    public uint OutputSsrc { get; }
    public uint TimestampStep { get; }

    /// <summary>Maps an input payload type to an output one (e.g. 111 -> 0 after transcoding is not this class's job; 101 -> 96 for DTMF).</summary>
    public void MapPayloadType(byte input, byte output) => _payloadTypeMap[input & 0x7F] = (byte)(output & 0x7F);

    /// <summary>Rewrites <paramref name="packet"/> in place; false (untouched) if it is not a valid RTP packet.</summary>
    public bool Rewrite(Span<byte> packet)
    {
        if (RtpHeader.TryParse(packet, out var h, out _) != RtpError.None) return false;
        uint ssrc = h.Ssrc;
        ushort seq = h.SequenceNumber;
        uint ts = h.Timestamp;
        if (!_started || ssrc != _inputSsrc)
        {
            ushort nextSeq = _started ? (ushort)(_lastOutSeq + 1) : seq;
            uint nextTs = _started ? _lastOutTs + TimestampStep : ts;
            _seqOffset = (ushort)(nextSeq - seq);
            _tsOffset = nextTs - ts;
            _inputSsrc = ssrc;
            _started = true;
        }
        ushort outSeq = (ushort)(seq + _seqOffset);
        uint outTs = ts + _tsOffset;
        // Only advance the "last" markers forward (RFC 3550 A.1 modular comparison) so reordering is kept.
        if (IsNewer(outSeq, _lastOutSeq) || outSeq == (ushort)(_lastOutSeq + 1)) { _lastOutSeq = outSeq; _lastOutTs = outTs; }
        packet[1] = (byte)((packet[1] & 0x80) | _payloadTypeMap[packet[1] & 0x7F]);
        BinaryPrimitives.WriteUInt16BigEndian(packet.Slice(2), outSeq);
        BinaryPrimitives.WriteUInt32BigEndian(packet.Slice(4), outTs);
        BinaryPrimitives.WriteUInt32BigEndian(packet.Slice(8), OutputSsrc);
        return true;
    }

    private static bool IsNewer(ushort a, ushort b) => a != b && (ushort)(a - b) < 0x8000;
}
