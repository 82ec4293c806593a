namespace Gateway.Media.Srtp;

/// <summary>Per-SSRC cryptographic state (RFC 3711 §3.2.1): rollover counter, highest sequence, replay lists, SRTCP index.</summary>
internal sealed class SrtpStreamState
{
    public uint Roc;
    public ushort HighestSeq;
    public bool Started;
    public SrtpReplayWindow RtpReplay;
    public SrtpReplayWindow RtcpReplay;
    public uint NextSrtcpIndex;

    /// <summary>The index estimate of Appendix A: v is ROC-1, ROC or ROC+1 by where SEQ lies against s_l.</summary>
    public ulong EstimateIndex(ushort seq, out uint roc)
    {
        roc = Roc;
        if (!Started) return seq;
        if (HighestSeq < 32768)
        {
            if (seq - HighestSeq > 32768 && Roc > 0) roc = Roc - 1;
        }
        else if (HighestSeq - 32768 > seq) roc = Roc + 1;
        return ((ulong)roc << 16) | seq;
    }

    /// <summary>Updates ROC and s_l after an authenticated packet (§3.3.1).</summary>
    public void Update(ushort seq, uint roc)
    {
        if (!Started || roc > Roc || (roc == Roc && seq > HighestSeq))
        {
            Roc = roc;
            HighestSeq = seq;
        }
        Started = true;
    }
}
